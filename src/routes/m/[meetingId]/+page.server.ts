import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { readForm } from '$lib/server/forms';
import { moveTarget } from '$lib/components/meetings/meeting-view';
import { doneRedirect, isUuid, pageCheckFailure, requireUser, serviceFailure } from '../meeting.server';
import type { Actions, RequestEvent } from './$types';

const ITEM_FIELDS = ['title', 'kind', 'presenter', 'plannedMinutes', 'description'] as const;

/** Who acts, on which meeting, with which form values. */
async function actionContext(event: RequestEvent) {
  const user = requireUser(event);
  const meetingId = event.params.meetingId;
  if (!isUuid(meetingId)) error(404, m.meet_not_found());
  const values = await readForm(event.request);
  return { user, meetingId, values, meetings: event.locals.services.meetings, locale: event.locals.locale, path: `/m/${meetingId}` };
}


export const actions: Actions = {
  /** A file for an agenda item: multipart form, so it does not go through readForm. */
  attach: async (event) => {
    const user = requireUser(event);
    const meetingId = event.params.meetingId;
    if (!isUuid(meetingId)) error(404, m.meet_not_found());
    const data = await event.request.formData();
    const itemId = String(data.get('itemId') ?? '');
    const file = data.get('file');
    const values = { formId: String(data.get('formId') ?? ''), itemId };
    if (!(file instanceof File) || file.size === 0) return pageCheckFailure(values, m.meet_attach_missing(), { file: m.meet_attach_missing() });
    try {
      await event.locals.services.meetings.addAttachment(user, itemId, {
        filename: file.name,
        mimeType: file.type,
        data: Buffer.from(await file.arrayBuffer())
      });
    } catch (err) {
      return serviceFailure(err, event.locals.locale, values);
    }
    doneRedirect(`/m/${meetingId}`, 'attachment_added', `item-${itemId}`);
  },

  removeAttachment: async (event) => {
    const { user, values, meetings, locale, path } = await actionContext(event);
    try {
      await meetings.removeAttachment(user, values.attachmentId ?? '');
    } catch (err) {
      return serviceFailure(err, locale, values);
    }
    doneRedirect(path, 'attachment_removed', 'agenda-title');
  },

  transition: async (event) => {
    const { user, meetingId, values, meetings, locale, path } = await actionContext(event);
    try {
      await meetings.transition(user, meetingId, { to: values.to ?? '' });
    } catch (err) {
      return serviceFailure(err, locale, values);
    }
    // The console posts here too and stays on the console.
    if (values.returnTo === 'console') doneRedirect(`${path}/console`, `status_${values.to}`, 'status-title');
    doneRedirect(path, `status_${values.to}`, 'status');
  },

  updateMeeting: async (event) => {
    const { user, meetingId, values, meetings, locale, path } = await actionContext(event);
    try {
      await meetings.update(user, meetingId, { title: values.title ?? '', startsAt: values.startsAt ?? '', place: values.place ?? '', videoUrl: values.videoUrl ?? '' });
    } catch (err) {
      return serviceFailure(err, locale, values);
    }
    doneRedirect(path, 'meeting_saved');
  },

  /** A manager adds an item (or a sub-item); a member's addition is a proposal (the service decides). */
  addItem: async (event) => {
    const { user, meetingId, values, meetings, locale, path } = await actionContext(event);
    let proposed = false;
    try {
      const item = await meetings.addItem(user, meetingId, {
        title: values.title ?? '',
        kind: values.kind || undefined,
        presenter: values.presenter ?? '',
        plannedMinutes: values.plannedMinutes || undefined,
        description: values.description ?? '',
        parentId: values.parentId || null
      });
      proposed = item.status === 'proposed';
    } catch (err) {
      return serviceFailure(err, locale, values);
    }
    doneRedirect(path, proposed ? 'proposal_sent' : 'item_added', proposed ? 'proposals-title' : 'agenda-title');
  },

  /** Sends only the fields this person changed, with the version they started from (the service refuses a clash). */
  updateItem: async (event) => {
    const { user, values, meetings, locale, path } = await actionContext(event);
    const itemId = values.itemId ?? '';
    const patch: Record<string, string | number> = {};
    for (const f of ITEM_FIELDS) {
      if (values[f] !== undefined && values[f] !== values[`orig_${f}`]) patch[f] = values[f];
    }
    if (Object.keys(patch).length) {
      if (values.baseVersion) patch.baseVersion = values.baseVersion;
      try {
        await meetings.updateItem(user, itemId, patch);
      } catch (err) {
        return serviceFailure(err, locale, values);
      }
    }
    doneRedirect(path, 'item_saved', `item-${itemId}`);
  },

  removeItem: async (event) => {
    const { user, values, meetings, locale, path } = await actionContext(event);
    try {
      await meetings.removeItem(user, values.itemId ?? '');
    } catch (err) {
      return serviceFailure(err, locale, values);
    }
    doneRedirect(path, 'item_removed', 'agenda-title');
  },

  /** "Monter" / "Descendre": the target is computed from the agenda as it is now, not as the page showed it. */
  move: async (event) => {
    const { user, meetingId, values, meetings, locale, path } = await actionContext(event);
    const itemId = values.itemId ?? '';
    const direction = values.direction === 'up' ? 'up' : 'down';
    try {
      const state = await meetings.state(user, meetingId);
      const target = moveTarget(state, itemId, direction);
      if (!target) return pageCheckFailure(values, direction === 'up' ? m.meet_move_already_first() : m.meet_move_already_last());
      await meetings.moveItem(user, itemId, target);
    } catch (err) {
      return serviceFailure(err, locale, values);
    }
    doneRedirect(path, 'item_moved', `item-${itemId}`);
  },

  decide: async (event) => {
    const { user, values, meetings, locale, path } = await actionContext(event);
    const accept = values.decision === 'accept';
    try {
      await meetings.decideProposal(user, values.itemId ?? '', { accept, reason: values.reason ?? '' });
    } catch (err) {
      return serviceFailure(err, locale, values);
    }
    doneRedirect(path, accept ? 'proposal_accepted' : 'proposal_declined', 'proposals-title');
  }
};
