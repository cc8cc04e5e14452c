import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// Paraglide is compiled by `npm run i18n` (scripts call it before build, dev and tests) rather
// than by its Vite plugin, which keeps Vitest from exiting (STACK.md trap 9).
export default defineConfig({
  plugins: [sveltekit()],
  server: { fs: { allow: ['messages'] } }
});
