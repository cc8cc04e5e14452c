/**
 * A clock that ticks once a second while started, for timers shown from the server's time
 * (add a MeetingClient's `serverOffset`). Before `start()` (and on the server) it holds the
 * time it was made.
 *
 * @example
 * const clock = new Clock();
 * $effect(() => clock.start());   // start() returns the stop function
 * const elapsed = $derived(elapsedOnCurrentItem(state, clock.now + client.serverOffset));
 */
export class Clock {
  now = $state(Date.now());

  start(): () => void {
    this.now = Date.now();
    const timer = setInterval(() => (this.now = Date.now()), 1_000);
    return () => clearInterval(timer);
  }
}
