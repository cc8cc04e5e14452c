import { m } from '$lib/paraglide/messages';
import { MeetingActionError } from '$lib/realtime/meeting-client.svelte';

/**
 * Runs one live action and reports its refusal in words (the server's, in the page's
 * language); returns whether it went through.
 */
export async function attempt(action: () => Promise<unknown>, report: (message: string | null) => void): Promise<boolean> {
  report(null);
  try {
    await action();
    return true;
  } catch (err) {
    report(err instanceof MeetingActionError ? err.message : m.meet_error_generic());
    return false;
  }
}
