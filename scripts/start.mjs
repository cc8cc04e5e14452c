// `npm start`: build the pages when the build is missing or older than the sources, then run
// the server in this same process (so SIGTERM reaches it directly).
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { register } from 'tsx/esm/api';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'build', '.built');

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'paraglide' || entry === 'node_modules') continue;
    max = Math.max(max, newestMtime(join(path, entry)));
  }
  return max;
}

const sources = ['src', 'static', 'messages', 'svelte.config.js', 'vite.config.ts', 'package-lock.json', 'server'];
const newest = Math.max(...sources.map((s) => newestMtime(join(root, s))));
if (!existsSync(stamp) || statSync(stamp).mtimeMs < newest) {
  console.log('Construction des pages… / Building the pages…');
  const res = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
  writeFileSync(stamp, new Date().toISOString());
}

register();
await import('../server/main.ts');
