// `npm test`: every tier of the test suite, in order, with a summary at the end.
//
//   build        `npm run build` once (integration and browser tests load build/handler.js)
//   check        `npm run check` (svelte-check + tsc for the server)
//   unit         vitest project `unit`
//   integration  vitest project `integration` (real server on port 0)
//   postgres     vitest project `postgres`   needs TEST_DATABASE_URL
//   redis        vitest project `redis`      needs REDIS_URL
//   e2e          vitest project `e2e`        needs Chromium (/usr/bin/chromium or CHROMIUM_PATH)
//
// On a developer's machine a missing prerequisite skips its tier with a line saying why. Under
// CI (CI=true) a missing prerequisite fails the run: CI must prove every tier. A tier with no
// test files fails everywhere (vitest exits 1 with "No test files found").
//
// `node scripts/test.mjs unit integration` runs only the tiers named (plus the build when a tier
// that needs it is named, unless --no-build). Exit status: 0 when nothing failed, 1 otherwise,
// 130 when interrupted.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const isCi = !!process.env.CI && !['false', '0', ''].includes(process.env.CI.toLowerCase());
const tierTimeoutMs = Number(process.env.TEST_TIER_TIMEOUT_MINUTES ?? 30) * 60_000;

const STEPS = ['build', 'check', 'unit', 'integration', 'postgres', 'redis', 'e2e'];
const NEEDS_BUILD = new Set(['integration', 'postgres', 'redis', 'e2e']);

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`usage: node scripts/test.mjs [--no-build] [${STEPS.join('|')} ...]`);
  process.exit(0);
}
const unknown = args.filter((a) => !a.startsWith('--') && !STEPS.includes(a));
if (unknown.length) {
  console.error(`Unknown tier(s): ${unknown.join(', ')}. Tiers: ${STEPS.join(', ')}.`);
  process.exit(2);
}
const named = args.filter((a) => STEPS.includes(a));
const selected = new Set(named.length ? named : STEPS);
if (named.length && !args.includes('--no-build') && named.some((t) => NEEDS_BUILD.has(t))) selected.add('build');
if (args.includes('--no-build')) selected.delete('build');

// CHROMIUM_PATH, when set, is the only candidate: a wrong path is a mistake to report, not a
// reason to test another browser.
function findChromium() {
  const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  return existsSync(candidate) ? candidate : null;
}

/** Why a tier cannot run here, or null when it can. */
function missingPrerequisite(tier) {
  switch (tier) {
    case 'postgres':
      return process.env.TEST_DATABASE_URL ? null : 'TEST_DATABASE_URL is not set';
    case 'redis':
      return process.env.REDIS_URL ? null : 'REDIS_URL is not set';
    case 'e2e':
      if (findChromium()) return null;
      return process.env.CHROMIUM_PATH
        ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`
        : "Chromium not found at /usr/bin/chromium (install Debian's chromium or set CHROMIUM_PATH)";
    default:
      return null;
  }
}

// Child processes ------------------------------------------------------------------------------

let current = null;
let interrupted = false;

// Each child leads its own process group, so a stop reaches vitest's workers and the servers
// the tests started, not only the npx wrapper.
function killGroup(child, signal) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function onSignal(signal) {
  if (interrupted) {
    killGroup(current, 'SIGKILL');
    return;
  }
  interrupted = true;
  console.error(`\n${signal} received: stopping the running tier…`);
  killGroup(current, 'SIGTERM');
  setTimeout(() => killGroup(current, 'SIGKILL'), 5_000).unref();
}
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.on('SIGHUP', () => onSignal('SIGHUP'));
process.on('exit', () => killGroup(current, 'SIGKILL'));

function run(command, commandArgs, env) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, {
      cwd: root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true
    });
    current = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n${command} ${commandArgs.join(' ')} ran over ${tierTimeoutMs / 60_000} min: stopping it.`);
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), 5_000).unref();
    }, tierTimeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      current = null;
      resolve({ code: 1, error: err.message, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = null;
      resolve({ code: code ?? (signal ? 128 : 1), signal, timedOut });
    });
  });
}

// Tiers ------------------------------------------------------------------------------------------

const workDir = mkdtempSync(join(tmpdir(), 'concerto-test-'));
const results = [];
const childEnv = { ...process.env };
const chromium = findChromium();
if (chromium) childEnv.CHROMIUM_PATH = chromium;

function banner(text) {
  console.log(`\n━━ ${text} ${'━'.repeat(Math.max(3, 72 - text.length))}`);
}

function readVitestReport(file) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    return {
      passed: r.numPassedTests ?? 0,
      failed: r.numFailedTests ?? 0,
      skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
      files: Array.isArray(r.testResults) ? r.testResults.length : 0
    };
  } catch {
    return null;
  }
}

async function runStep(step) {
  if (interrupted) {
    results.push({ step, status: 'not run', note: 'interrupted' });
    return;
  }
  const missing = missingPrerequisite(step);
  if (missing) {
    if (isCi) {
      console.log(`\nFAILED ${step} tier: ${missing} (every tier must run under CI)`);
      results.push({ step, status: 'FAILED', note: `${missing} (required under CI)` });
    } else {
      console.log(`\nSKIPPED ${step} tier: ${missing}`);
      results.push({ step, status: 'skipped', note: missing });
    }
    return;
  }

  const started = performance.now();
  let outcome;
  let counts = null;
  if (step === 'build' || step === 'check') {
    banner(`npm run ${step}`);
    outcome = await run('npm', ['run', step], childEnv);
    // `npm start` rebuilds when this stamp is older than the sources; a fresh build is current.
    if (step === 'build' && outcome.code === 0) writeFileSync(join(root, 'build', '.built'), new Date().toISOString());
  } else {
    const report = join(workDir, `${step}.json`);
    banner(`npx vitest run --project ${step}`);
    outcome = await run(
      'npx',
      ['vitest', 'run', '--project', step, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
      childEnv
    );
    counts = readVitestReport(report);
  }
  const seconds = (performance.now() - started) / 1000;
  const ok = outcome.code === 0;
  let note = '';
  if (outcome.timedOut) note = `timed out after ${tierTimeoutMs / 60_000} min`;
  else if (interrupted && !ok) note = 'interrupted';
  else if (outcome.error) note = outcome.error;
  else if (!ok && counts && counts.files === 0) note = 'no test files found';
  else if (!ok && counts && counts.failed === 0) note = 'failed outside a test (see the output above)';
  else if (!ok && !counts && step !== 'build' && step !== 'check') note = 'no vitest report written';
  results.push({ step, status: ok ? 'passed' : 'FAILED', seconds, counts, note });
}

const suiteStarted = performance.now();
console.log(
  `Concerto tests${isCi ? ' (CI: every tier must run)' : ''}: ${STEPS.filter((s) => selected.has(s)).join(', ')}`
);
for (const step of STEPS) {
  if (selected.has(step)) await runStep(step);
}
rmSync(workDir, { recursive: true, force: true });

// Summary ----------------------------------------------------------------------------------------

function formatDuration(seconds) {
  if (seconds === undefined) return '';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
}

const rows = results.map((r) => [
  r.step,
  r.status,
  r.counts ? `${r.counts.passed}/${r.counts.failed}/${r.counts.skipped}` : '',
  formatDuration(r.seconds),
  r.note ?? ''
]);
const header = ['tier', 'status', 'pass/fail/skip', 'duration', 'note'];
const totalSeconds = (performance.now() - suiteStarted) / 1000;
const footer = ['total', '', '', formatDuration(totalSeconds), ''];
const widths = header.map((h, i) => Math.max(h.length, ...[...rows, footer].map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();

banner('summary');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
console.log(line(footer));

const failedSteps = results.filter((r) => r.status !== 'passed' && r.status !== 'skipped');
if (failedSteps.length) console.log(`\nFailing: ${failedSteps.map((r) => r.step).join(', ')}`);
const sum = (key) => results.reduce((n, r) => n + (r.counts ? r.counts[key] : 0), 0);
const passed = sum('passed');
const failed = sum('failed');
const skipped = sum('skipped');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);

process.exitCode = interrupted ? 130 : failedSteps.length ? 1 : 0;
