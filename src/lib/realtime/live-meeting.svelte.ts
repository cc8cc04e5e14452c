import { untrack } from 'svelte';
import type { MeetingState } from '$lib/protocol/meeting-state';
import { latest } from '$lib/components/meetings/meeting-view';
import { Clock } from './clock.svelte';
import { MeetingClient } from './meeting-client.svelte';
import { VoteClient } from './vote-client.svelte';

/**
 * What every live meeting page needs, set up once: the socket client (started with the page's
 * state, restarted only for another meeting — reloading the page's data after a form does not
 * reconnect), the newest state of the two (highest rev wins), and with `ticking` a one-second
 * clock corrected by the server's time, for timers. Call it during component initialisation.
 *
 * @example
 * const lm = liveMeeting(() => data, { ticking: true });
 * const live = $derived(lm.live);
 */
export function liveMeeting(data: () => { meeting: { id: string }; state: MeetingState }, opts: { ticking?: boolean; votes?: boolean } = {}) {
  let client = $state<MeetingClient | null>(null);
  let votes = $state<VoteClient | null>(null);
  const meetingId = $derived(data().meeting.id);
  $effect(() => {
    const c = new MeetingClient(meetingId, untrack(() => data().state));
    client = c;
    // With `votes`: the meeting's votes on the same connection (VoteClient lists them after each join).
    const v = opts.votes ? new VoteClient(c) : null;
    votes = v;
    c.start();
    return () => {
      v?.stop();
      c.stop();
    };
  });
  const clock = opts.ticking ? new Clock() : null;
  if (clock) $effect(() => clock.start());
  const live = $derived(latest(data().state, client?.state));
  const serverNow = $derived((clock?.now ?? Date.now()) + (client?.serverOffset ?? 0));
  return {
    get client() {
      return client;
    },
    get votes() {
      return votes;
    },
    get live() {
      return live;
    },
    get serverNow() {
      return serverNow;
    }
  };
}
