import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { readForm } from '$lib/server/forms';
import { AppError, toApiError } from '../../../../../server/shared/app-error.ts';
import { doneRedirect, isUuid, pageFailure, requireUser, serviceFailure } from '../../meeting.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** A colour per person for the editor's caret and presence (readable under white text). */
const COLOURS = ['#1d4f91', '#8a3b12', '#1f6b3a', '#6b2d83', '#9b1c31', '#005f73', '#7a5a00', '#3d4b8c'];
function colourOf(id: string): string {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return COLOURS[h % COLOURS.length];
}

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event);
  const meetingId = event.params.meetingId;
  if (!isUuid(meetingId)) error(404, m.meet_not_found());
  const service = event.locals.services.minutes;
  try {
    const minutes = await service.get(user, meetingId);
    const [check, candidates, draftText] = await Promise.all([
      minutes.generated ? service.check(user, meetingId) : Promise.resolve({ ok: true, missing: [], contradictions: [] }),
      minutes.can.linkApproval ? service.approvalCandidates(user, meetingId) : Promise.resolve([]),
      // The draft as text for browsers without JavaScript (the editor needs it).
      minutes.generated && minutes.status === 'draft' ? service.text(user, meetingId) : Promise.resolve(null)
    ]);
    return { minutes, check, candidates, draftText, notReady: null, editorUser: { name: user.displayName, color: colourOf(user.id) } };
  } catch (err) {
    // Not prepared yet (meeting not live or closed, no draft for representatives): say so.
    if (err instanceof AppError && err.code === 'conflict') {
      return { minutes: null, check: null, candidates: [], draftText: null, notReady: toApiError(err, event.locals.locale).message, editorUser: null };
    }
    if (err instanceof AppError && err.code === 'forbidden') error(403, toApiError(err, event.locals.locale).message);
    return pageFailure(err, event.url);
  }
};

type Run = (service: App.Locals['services']['minutes'], user: ReturnType<typeof requireUser>, meetingId: string, values: Record<string, string>) => Promise<unknown>;

/** One form action: the service call, then back to the page saying what happened, or the failure beside the form. */
async function act(event: RequestEvent, run: Run, done: (values: Record<string, string>) => string) {
  const user = requireUser(event);
  const meetingId = event.params.meetingId;
  if (!isUuid(meetingId)) error(404, m.meet_not_found());
  const values = await readForm(event.request);
  try {
    await run(event.locals.services.minutes, user, meetingId, values);
  } catch (err) {
    return serviceFailure(err, event.locals.locale, values);
  }
  doneRedirect(`/m/${meetingId}/minutes`, done(values), 'minutes-status');
}

export const actions: Actions = {
  generate: (event) => act(event, (s, user, id, v) => s.generate(user, id, { mode: v.mode || 'new' }), () => 'generated'),
  transition: (event) => act(event, (s, user, id, v) => s.transition(user, id, { to: v.to ?? '' }), (v) => v.to ?? ''),
  approve: (event) => act(event, (s, user, id, v) => s.linkApproval(user, id, { voteId: v.voteId ?? '' }), () => 'linked')
};
