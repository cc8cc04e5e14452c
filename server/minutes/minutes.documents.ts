import type { DocumentAuthorizer } from '../realtime/yjs-documents.ts';
import type { MinutesService } from './minutes.service.ts';

/**
 * `minutes:<meetingId>`: the secretariat and the body's tenant representatives edit the draft;
 * once submitted, those who may read the minutes read; members read once published; guests and
 * everyone else are refused.
 */
export function minutesDocumentAuthorizer(minutes: () => MinutesService): DocumentAuthorizer {
  return async (identity, meetingId, part) => {
    if (part !== undefined) return { ok: false, reason: 'notFound' };
    const user = identity.user;
    if (!user) return { ok: false, reason: 'forbidden' };
    const access = await minutes().documentAccess(user, meetingId);
    if (access === 'edit' || access === 'read') return { ok: true, access, principal: { id: user.id, name: user.displayName } };
    return { ok: false, reason: access };
  };
}
