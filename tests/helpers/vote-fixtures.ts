import { expect } from 'vitest';
import type { AuthUser } from '../../server/auth/sessions.ts';
import type { Services } from '../../server/services.ts';
import { AppError } from '../../server/shared/app-error.ts';
import { VoteService } from '../../server/votes/votes.service.ts';
import { createMeeting, type Council } from './meeting-fixtures.ts';
import type { MemberAccount } from './api-fixtures.ts';

/**
 * Votes driven through the VoteService directly, with the real accounts of a council
 * (tests/helpers/meeting-fixtures.ts) and meetings made live through the JSON API.
 */

/** The AuthUser a session of this account resolves to. */
export const userOf = (p: MemberAccount & { name?: string }): AuthUser => ({
  id: p.userId,
  email: p.email,
  displayName: p.name ?? p.email,
  locale: 'fr',
  isPlatformAdmin: false
});

export const voteServiceOf = (services: Services) => new VoteService(services.db, services.access, services.meetings);

export type Presence = 'present_room' | 'present_remote' | 'excused' | 'absent' | { proxyHolder: MemberAccount };

/** A live meeting of the council with one agenda item, and attendance set by the secretary. */
export async function liveMeetingWith(
  baseUrl: string,
  services: Services,
  council: Council,
  attendance: [MemberAccount, Presence][]
): Promise<{ meetingId: string; itemId: string }> {
  const meeting = await createMeeting(baseUrl, council.secretary.cookie, council.bodyId, {}, 'live');
  const secretary = userOf(council.secretary);
  const item = await services.meetings.addItem(secretary, meeting.id, { title: 'Renouvellement du marché de gaz propane', kind: 'decision' });
  // Holders first, so a proxy always names someone already present.
  const ordered = [...attendance].sort(([, a], [, b]) => Number(typeof a === 'object') - Number(typeof b === 'object'));
  for (const [who, status] of ordered) {
    const input =
      typeof status === 'object'
        ? { personId: who.personId, status: 'represented', proxyHolderId: status.proxyHolder.personId }
        : { personId: who.personId, status };
    await services.meetings.setAttendance(secretary, meeting.id, input);
  }
  return { meetingId: meeting.id, itemId: item.id };
}

/** Awaits a call that must fail with an AppError of this code; returns it. */
export async function refusal(p: Promise<unknown>, code: AppError['code']): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    expect(err.code, `${err.text.en}`).toBe(code);
    expect(err.text.fr).toEqual(expect.any(String));
    expect(err.text.en).toEqual(expect.any(String));
    return err;
  }
  throw new Error(`expected a ${code} refusal, the call succeeded`);
}
