import { error, fail, redirect, type ActionFailure } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { formFailure, type FormFailure } from '$lib/server/forms';
import { AppError } from '../../../server/shared/app-error.ts';
import type { AuthUser } from '../../../server/auth/sessions.ts';
import { policy } from '../../../server/auth/policy.ts';
import type { MeetingCapabilities, MeetingState, MeetingSummary } from '$lib/protocol/meeting-state';

/** Server-side helpers of the meeting pages (/m/...). */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids come from the URL; a malformed one is simply a page that does not exist. */
export const isUuid = (s: string | undefined): s is string => !!s && UUID.test(s);

interface EventLike {
  locals: App.Locals;
  url: URL;
}

/** Sends an anonymous visitor to the login page, coming back here (with the QR code's ?code=) afterwards. */
export function toLogin(url: URL): never {
  redirect(303, `${localizeHref('/login')}?next=${encodeURIComponent(url.pathname + url.search)}`);
}

export function requireUser(event: EventLike): AuthUser {
  if (!event.locals.user) toLogin(event.url);
  return event.locals.user;
}

/** `formFailure` for errors from the services. */
export const serviceFailure = formFailure;

/** A check done by the page itself failed: same shape as `formFailure`. */
export function pageCheckFailure(values: Record<string, string>, message: string, fields: Record<string, string> = {}): ActionFailure<FormFailure> {
  return fail(400, { message, fields, values });
}

/** Login for the anonymous, 404 for what does not exist or may not be seen, 403 for what may be seen but not done. */
export function pageFailure(thrown: unknown, url: URL): never {
  const err = thrown;
  if (err instanceof AppError) {
    if (err.status === 401) toLogin(url);
    if (err.status === 404) error(404, m.meet_not_found());
    if (err.status === 403) error(403, m.meet_forbidden());
  }
  throw err;
}

export interface MeetingPageData {
  meeting: MeetingSummary & { checkinCode: string | null };
  capabilities: MeetingCapabilities;
  state: MeetingState;
}

/** What every page of one meeting needs: the meeting, what the viewer may do, the live state. */
export async function loadMeeting(event: EventLike & { params: { meetingId?: string } }): Promise<MeetingPageData> {
  const user = requireUser(event);
  const meetingId = event.params.meetingId;
  if (!isUuid(meetingId)) error(404, m.meet_not_found());
  const { meetings } = event.locals.services;
  try {
    const [meeting, capabilities, state] = await Promise.all([meetings.get(user, meetingId), meetings.capabilities(user, meetingId), meetings.state(user, meetingId)]);
    return { meeting, capabilities, state };
  } catch (err) {
    return pageFailure(err, event.url);
  }
}

/** After a successful form: back to the page with `?done=<code>` (the page says what happened) and an anchor. */
export function doneRedirect(path: string, code: string, anchor = ''): never {
  redirect(303, `${localizeHref(path)}?done=${encodeURIComponent(code)}${anchor ? `#${anchor}` : ''}`);
}

/** The address the QR code in the room points at (French first; the page offers English). */
export const checkinUrl = (origin: string, meetingId: string, code: string) => `${origin}/m/${meetingId}/checkin?code=${encodeURIComponent(code)}`;

/** The room's QR code as inline SVG (no request from the projector to draw it). */
export async function qrSvg(text: string): Promise<string> {
  const QRCode = await import('qrcode');
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } });
}

export interface BodyPageData {
  body: { id: string; name: string };
  orgSlug: string;
  canManage: boolean;
}

/** A body's meetings pages: the body (which the asker must be able to see) and whether they run its meetings. */
export async function loadBody(event: EventLike & { params: { bodyId?: string } }): Promise<BodyPageData & { user: AuthUser }> {
  const user = requireUser(event);
  const bodyId = event.params.bodyId;
  if (!isUuid(bodyId)) error(404, m.meet_not_found());
  const { bodies, organisations, access } = event.locals.services;
  try {
    const body = await bodies.get(user, bodyId);
    const [org, orgAccess] = await Promise.all([organisations.get(user, body.organisationId), access.forOrganisation(user, body.organisationId)]);
    return { user, body: { id: body.id, name: body.name }, orgSlug: org.slug, canManage: policy.manageMeeting(orgAccess, body.id) };
  } catch (err) {
    return pageFailure(err, event.url);
  }
}

/** The room's QR code for managers (the check-in code is theirs to show), or null for others. */
export async function roomQr(event: EventLike & { params: { meetingId?: string } }): Promise<{ svg: string; url: string; code: string } | null> {
  const user = requireUser(event);
  const meetingId = event.params.meetingId ?? '';
  try {
    const meeting = await event.locals.services.meetings.get(user, meetingId);
    if (!meeting.checkinCode) return null;
    const url = checkinUrl(event.url.origin, meetingId, meeting.checkinCode);
    return { svg: await qrSvg(url), url, code: meeting.checkinCode };
  } catch (err) {
    return pageFailure(err, event.url);
  }
}
