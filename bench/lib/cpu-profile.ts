/**
 * Summarises a V8 CPU profile (.cpuprofile, as the benches write with BENCH_CPU_PROFILE): where
 * the process spent its samples, by package or file and by function, self time only.
 *
 *   npx tsx bench/lib/cpu-profile.ts /tmp/server.cpuprofile [top]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/<package>` (scoped too), our own file relative to the checkout, or a V8 / Node built-in. */
function placeOf(url: string): string {
  if (!url) return '(V8 / native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return url;
  const own = /\/(server|src|bench)\/(.*)$/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
}

/**
 * A CPU profiler of this process, for the part of a bench that matters: `start()`, then `stop()`
 * writes the profile to `file`. Without a file (BENCH_CPU_PROFILE unset) both do nothing.
 */
export function cpuProfiler(file: string | undefined, intervalUs = 100): { start(): Promise<void>; stop(): Promise<void> } {
  if (!file) return { start: async () => undefined, stop: async () => undefined };
  const session = new Session();
  return {
    async start() {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
      await session.post('Profiler.start');
    },
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      writeFileSync(file, JSON.stringify(profile));
    }
  };
}

export function summarise(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { callFrame } = byId.get(id)!;
    const place = callFrame.functionName === '(idle)' ? '(idle)' : placeOf(callFrame.url);
    byPlace.set(place, (byPlace.get(place) ?? 0) + ms);
    const fn = `${callFrame.functionName || '(anonymous)'}  ${place}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => `  ${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / totalMs).toFixed(1).padStart(5)} %  ${k}`);
  return [`${totalMs.toFixed(0)} ms profiled`, 'Self time by package or file:', ...rows(byPlace), 'Self time by function:', ...rows(byFunction)].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/lib/cpu-profile.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top ?? 25)));
}
