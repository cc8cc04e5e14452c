/**
 * y-websocket backs off exponentially but without jitter, so a server restart makes every
 * client reconnect at the same instant (STACK.md, Yjs lessons). y-websocket emits
 * `connection-close` just before it schedules the next attempt with
 * `min(2^attempts × 100 ms, maxBackoffTime)`; setting `maxBackoffTime` there to a random share
 * of that delay spreads the reconnections ("equal jitter": between half and all of it).
 *
 * @example
 * const stop = jitterReconnects(provider); // later: stop()
 */
export interface ReconnectingProvider {
  wsUnsuccessfulReconnects: number;
  maxBackoffTime: number;
  on(event: 'connection-close', listener: (...args: never[]) => void): void;
  off(event: 'connection-close', listener: (...args: never[]) => void): void;
}

/** The longest wait between two attempts, before jitter. */
export const RECONNECT_CAP_MS = 5000;

/** The delay before attempt number `attempt` (1 for the first retry), given a random number in [0, 1). */
export function jitteredDelay(attempt: number, random: number, cap = RECONNECT_CAP_MS): number {
  const base = Math.min(2 ** attempt * 100, cap);
  return Math.max(100, Math.round(base / 2 + (base / 2) * random));
}

export function jitterReconnects(provider: ReconnectingProvider, random: () => number = Math.random): () => void {
  const onClose = () => {
    // The provider increments its counter right after this event, then computes the delay.
    provider.maxBackoffTime = jitteredDelay(provider.wsUnsuccessfulReconnects + 1, random());
  };
  provider.on('connection-close', onClose);
  return () => provider.off('connection-close', onClose);
}
