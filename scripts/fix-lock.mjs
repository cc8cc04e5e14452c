// Adds a lock entry for every optional dependency a locked package names but the lock lacks.
// This machine's npm registry serves only the builds for its own platform, so `npm install`
// leaves the other platforms' optional builds (rollup, lix, jco) out of package-lock.json and
// `npm ci` then refuses the lock as out of sync. npm skips these entries at install time (wrong
// os/cpu, or an optional fetch failing). Run after any `npm install` that changes the lock:
//   npm install <pkg> && node scripts/fix-lock.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pk = lock.packages;
const OSES = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'win32', 'sunos', 'aix'];
const CPUS = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x'];
const guess = (name) => ({
  os: OSES.find((o) => new RegExp(`(^|[-/])${o}(-|$)`).test(name)),
  cpu: CPUS.find((c) => new RegExp(`-${c}(-|$)`).test(name))
});

const added = [];
for (const [key, meta] of Object.entries(pk)) {
  for (const [dep, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = key ? `${key}/node_modules/${dep}` : `node_modules/${dep}`;
    const top = `node_modules/${dep}`;
    if (nested in pk || top in pk) continue;
    const m = /^[~^]?(\d+\.\d+\.\d+\S*)$/.exec(spec);
    if (!m) continue;
    // Keys in the order npm itself writes them, so a later `npm install` leaves the lock as is.
    const { os, cpu } = guess(dep);
    const entry = { version: m[1] };
    if (cpu) entry.cpu = [cpu];
    if (meta.dev) entry.dev = true;
    entry.optional = true;
    if (os) entry.os = [os];
    pk[top] = entry;
    added.push(dep);
  }
}
lock.packages = Object.fromEntries(Object.entries(pk).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`${added.length} entries added${added.length ? ': ' + added.join(' ') : ''}`);
