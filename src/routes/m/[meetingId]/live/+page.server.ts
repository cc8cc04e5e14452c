import { formFailure } from '$lib/server/forms';
import type { LiveVote, VoterBallots } from '$lib/protocol/vote-state';
import { voterBallots } from '../../../../../server/votes/voter-ballots.ts';
import { requireUser } from '../../meeting.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * The phone view's open vote and the viewer's ballots, read on the server so the ballot is on
 * the page before any script runs, and cast by a plain form post when scripts do not run (old
 * phones, poor connections). With scripts, the page casts over its live connection instead.
 */
export const load: PageServerLoad = async (event) => {
  await event.parent();
  const user = requireUser(event);
  const { services } = event.locals;
  const votes = (await services.votes.listForMeeting(user, event.params.meetingId)) as unknown as LiveVote[];
  const openVote = votes.find((v) => v.status === 'open') ?? null;
  const openMine: VoterBallots | null = openVote ? await voterBallots(services.db, openVote.id, user.id) : null;
  return { openVote, openMine };
};

export const actions: Actions = {
  cast: async (event) => {
    const user = requireUser(event);
    const form = await event.request.formData();
    const values: Record<string, string> = {};
    for (const [k, v] of form.entries()) if (typeof v === 'string' && k !== 'optionIds') values[k] = v;
    // A choice vote sends the options ticked (none: a blank ballot); a motion the button pressed.
    const ballot = values.kind === 'choice' ? { optionIds: form.getAll('optionIds').map(String) } : { choice: values.choice };
    try {
      const result = await event.locals.services.votes.cast(user, values.voteId ?? '', { ...ballot, forPersonId: values.forPersonId || null });
      return { cast: { voteId: result.voteId, forPersonId: result.forPersonId, alreadyCast: result.alreadyCast, message: result.message } };
    } catch (err) {
      return formFailure(err, event.locals.locale, { ...values, forPersonId: values.forPersonId ?? '' });
    }
  }
};
