export interface WaitForOptions {
  /** Give up after this long. Default 5 s. */
  timeoutMs?: number;
  /** Pause between attempts. Default 20 ms. */
  intervalMs?: number;
}

/**
 * Retries `check` until it returns something other than `false` without throwing, and returns
 * that; after `timeoutMs` it throws the last assertion error (or a timeout error). For eventual
 * consistency in tests instead of fixed sleeps.
 *
 * @example
 * await waitFor(() => expect(b.getText('t').toString()).toBe('hello'));
 * await waitFor(async () => (await countRows()) === 1, { timeoutMs: 1000 });
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 5_000, intervalMs = 20 }: WaitForOptions = {}
): Promise<Exclude<T, false>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const result = await check();
      if (result !== false) return result as Exclude<T, false>;
      lastError = null;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      if (lastError) throw lastError;
      throw new Error(`waitFor: condition still false after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
