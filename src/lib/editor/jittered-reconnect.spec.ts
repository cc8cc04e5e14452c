import { describe, expect, it } from 'vitest';
import { jitteredDelay, jitterReconnects, RECONNECT_CAP_MS } from './jittered-reconnect.ts';

describe('jittered reconnect', () => {
  it('waits between half and all of the exponential delay', () => {
    expect(jitteredDelay(3, 0)).toBe(400);
    expect(jitteredDelay(3, 0.999999)).toBe(800);
    expect(jitteredDelay(30, 0)).toBe(RECONNECT_CAP_MS / 2);
    expect(jitteredDelay(30, 0.999999)).toBe(RECONNECT_CAP_MS);
  });

  it('spreads the clients of one restart over the window instead of one instant', () => {
    const delays = new Set(Array.from({ length: 50 }, (_, i) => jitteredDelay(6, i / 50)));
    expect(delays.size).toBeGreaterThan(40);
  });

  it('sets the provider cap from the next attempt number when a connection closes', () => {
    const listeners: Array<() => void> = [];
    const provider = {
      wsUnsuccessfulReconnects: 4,
      maxBackoffTime: 2500,
      on: (_: 'connection-close', l: () => void) => void listeners.push(l),
      off: (_: 'connection-close', l: () => void) => void listeners.splice(listeners.indexOf(l), 1)
    };
    const stop = jitterReconnects(provider, () => 0);
    listeners[0]();
    expect(provider.maxBackoffTime).toBe(jitteredDelay(5, 0));
    stop();
    expect(listeners).toHaveLength(0);
  });
});
