import { applyMeetingPatch, type MeetingPatch } from '../../src/lib/protocol/meeting-patch.ts';
import { expect } from 'vitest';
import type { ClientToServerEvents, MeetingCapabilities, MeetingState } from '../../src/lib/protocol/events.ts';
import type { Ack, ApiError } from '../../src/lib/protocol/result.ts';
import { createBody, createMemberAccount, type MemberAccount, type MembershipInput } from './api-fixtures.ts';
import { connected, socketClient, type ConcertoSocket } from './realtime-clients.ts';
import { api } from './test-server.ts';
import { waitFor } from './wait-for.ts';

/**
 * Meetings seen from the outside: a council of real member accounts, meetings made through the
 * JSON API, and Socket.IO clients that join a meeting's room and keep its latest state the way
 * the browser does (the highest `rev` wins).
 */

export interface Participant extends MemberAccount {
  name: string;
  role: NonNullable<MembershipInput['role']>;
  college: NonNullable<MembershipInput['college']>;
  votingRight: boolean;
}

export interface ParticipantSpec {
  name: string;
  role?: MembershipInput['role'];
  college?: MembershipInput['college'];
  votingRight?: boolean;
}

/** Creates a person with an account (invitation accepted) who is a member of `bodyId`. */
export async function addParticipant(baseUrl: string, adminCookie: string, orgId: string, bodyId: string, spec: ParticipantSpec): Promise<Participant> {
  const role = spec.role ?? 'member';
  const college = spec.college ?? 'tenant';
  const votingRight = spec.votingRight ?? false;
  const account = await createMemberAccount(baseUrl, adminCookie, orgId, {
    person: { fullName: spec.name },
    bodyId,
    membership: { role, college, votingRight }
  });
  return { ...account, name: spec.name, role, college, votingRight };
}

/**
 * A CCL as the domain brief describes one: a landlord chair and secretary, tenant
 * representatives with a voting right, one tenant member without it, and an observer.
 * Voting members: 3 landlords and 4 tenants (7, so the default quorum needs 4).
 */
export interface Council {
  bodyId: string;
  chair: Participant;
  secretary: Participant;
  landlords: Participant[];
  tenants: Participant[];
  nonVoting: Participant;
  observer: Participant;
}

export async function createCouncil(baseUrl: string, adminCookie: string, orgId: string, bodyName = 'CCL Pau centre'): Promise<Council> {
  const body = await createBody(baseUrl, adminCookie, orgId, { name: bodyName, kind: 'ccl' });
  const add = (spec: ParticipantSpec) => addParticipant(baseUrl, adminCookie, orgId, body.id, spec);
  // One at a time: each account costs a password hash, and the machine is shared.
  const chair = await add({ name: 'Hélène Lafitte', role: 'chair', college: 'landlord', votingRight: true });
  const secretary = await add({ name: 'Sébastien Oxandabarat', role: 'secretary', college: 'landlord', votingRight: false });
  const landlords = [chair];
  for (const name of ['Bernard Castaings', 'Isabelle Harriet']) landlords.push(await add({ name, role: 'member', college: 'landlord', votingRight: true }));
  const tenants: Participant[] = [];
  for (const name of ['Aïcha Benali', 'Jean-Marc Lassalle', 'Maite Etchegaray', 'Paulette Duboscq']) {
    tenants.push(await add({ name, role: 'member', college: 'tenant', votingRight: true }));
  }
  const nonVoting = await add({ name: 'Yannick Pradère', role: 'member', college: 'tenant', votingRight: false });
  const observer = await add({ name: 'Odile Vignau', role: 'observer', college: 'other', votingRight: false });
  return { bodyId: body.id, chair, secretary, landlords, tenants, nonVoting, observer };
}

export interface MeetingInput {
  title?: string;
  startsAt?: string;
  place?: string;
  videoUrl?: string | null;
}

/** A meeting of `bodyId` through the API, then moved along `draft → convened → live` up to `status`. */
export async function createMeeting(
  baseUrl: string,
  cookie: string,
  bodyId: string,
  input: MeetingInput = {},
  status: 'draft' | 'convened' | 'live' = 'draft'
): Promise<{ id: string; [k: string]: unknown }> {
  const client = api(baseUrl, cookie);
  const res = await client.post(`/bodies/${bodyId}/meetings`, {
    title: 'CCL du 6 juin',
    startsAt: '2026-06-06T14:00',
    place: 'Salle du conseil, siège du bailleur',
    ...input
  });
  if (res.status !== 201) throw new Error(`create meeting: ${res.status} ${JSON.stringify(res.json)}`);
  const steps = status === 'draft' ? [] : status === 'convened' ? ['convened'] : ['convened', 'live'];
  for (const to of steps) {
    const t = await client.post(`/meetings/${res.json.meeting.id}/transitions`, { to });
    if (t.status !== 200) throw new Error(`transition to ${to}: ${t.status} ${JSON.stringify(t.json)}`);
  }
  return res.json.meeting;
}

/** GET /meetings/:id/state as `cookie`; throws unless 200. */
export async function stateOf(baseUrl: string, cookie: string, meetingId: string): Promise<MeetingState> {
  const res = await api(baseUrl, cookie).get(`/meetings/${meetingId}/state`);
  if (res.status !== 200) throw new Error(`GET state: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.state;
}

/** The parts of a state that do not depend on when it was built (the clock and running speaking time). */
export function comparable(state: MeetingState): Omit<MeetingState, 'serverTime' | 'queue'> & { queue: Omit<MeetingState['queue'], 'spoken'> } {
  const { serverTime: _t, queue, ...rest } = state;
  const { spoken: _s, ...queueRest } = queue;
  return { ...rest, queue: queueRest };
}

type EventName = keyof ClientToServerEvents;
type PayloadOf<E extends EventName> = Parameters<ClientToServerEvents[E]>[0];

/**
 * One browser tab on a meeting: a real Socket.IO connection with the member's cookie that keeps
 * the state from 'meeting:join' up to date with every 'meeting:patch', and each state it reached.
 *
 * @example
 * const chair = await MeetingClient.connect(server.url, council.chair.cookie);
 * await chair.join(meetingId);
 * await chair.ok('agenda:add', { meetingId, title: 'Charges locatives' });
 * await chair.waitForState((s) => s.agenda.length === 1);
 */
export class MeetingClient {
  readonly received: MeetingState[] = [];
  latest: MeetingState | null = null;
  capabilities: MeetingCapabilities | null = null;

  /** Every patch broadcast to this connection, applied or not. */
  readonly patches: MeetingPatch[] = [];
  /** Patches that arrived with a gap in revs, each answered by a fresh 'meeting:join'. */
  resyncs = 0;

  private constructor(readonly socket: ConcertoSocket) {
    // Broadcasts are patches over the state from 'meeting:join' (src/lib/protocol/meeting-patch.ts).
    socket.on('meeting:patch', (patch) => {
      this.patches.push(patch);
      if (!this.latest) return;
      const next = applyMeetingPatch(this.latest, patch);
      if (next === 'resync') {
        this.resyncs++;
        void this.join(patch.meetingId).catch(() => {});
        return;
      }
      if (next === this.latest) return;
      this.received.push(next);
      this.latest = next;
    });
  }

  static all = new Set<MeetingClient>();

  /** Opens a connection with these handshake headers (usually `{ cookie }`); rejects with the connect_error. */
  static async connect(baseUrl: string, cookie: string | null, headers: Record<string, string> = {}): Promise<MeetingClient> {
    const socket = socketClient(baseUrl, cookie ? { cookie, ...headers } : headers);
    const client = new MeetingClient(socket);
    MeetingClient.all.add(client);
    await connected(socket);
    return client;
  }

  /** Disconnects every client opened so far (for afterEach). */
  static closeAll(): void {
    for (const c of MeetingClient.all) c.socket.disconnect();
    MeetingClient.all.clear();
  }

  private keep(state: MeetingState) {
    if (!this.latest || state.rev >= this.latest.rev) this.latest = state;
  }

  /** Sends any event and returns its acknowledgement as it came. */
  async emit<E extends EventName>(event: E, payload: PayloadOf<E>, timeoutMs = 10_000): Promise<Ack<any>> {
    const emitter = this.socket.timeout(timeoutMs) as unknown as { emitWithAck(ev: string, p: unknown): Promise<Ack<any>> };
    return emitter.emitWithAck(event, payload);
  }

  /** Sends an event and returns the acknowledged data; fails the test with the error otherwise. */
  async ok<E extends EventName>(event: E, payload: PayloadOf<E>): Promise<any> {
    const res = await this.emit(event, payload);
    if (!res.ok) throw new Error(`${event} ${JSON.stringify(payload)} refused: ${JSON.stringify(res.error)}`);
    return res.data;
  }

  /** Sends an event that must be refused; returns the error. */
  async refused<E extends EventName>(event: E, payload: PayloadOf<E>): Promise<ApiError> {
    const res = await this.emit(event, payload);
    if (res.ok) throw new Error(`${event} ${JSON.stringify(payload)} was accepted, expected a refusal`);
    return res.error;
  }

  /** 'meeting:join': the ack's full state becomes the latest (if newer) and the capabilities are kept. */
  async join(meetingId: string): Promise<{ state: MeetingState; capabilities: MeetingCapabilities }> {
    const data = (await this.ok('meeting:join', { meetingId })) as { state: MeetingState; capabilities: MeetingCapabilities };
    this.keep(data.state);
    this.capabilities = data.capabilities;
    return data;
  }

  /** Waits (bounded) until the latest state satisfies `predicate`; returns that state. */
  async waitForState(predicate: (s: MeetingState) => boolean, timeoutMs = 5_000): Promise<MeetingState> {
    return waitFor(
      () => {
        const s = this.latest;
        return !!s && predicate(s) ? s : false;
      },
      { timeoutMs, intervalMs: 5 }
    );
  }

  /** Waits until this client holds the state with revision `rev` (or later). */
  waitForRev(rev: number, timeoutMs = 5_000): Promise<MeetingState> {
    return this.waitForState((s) => s.rev >= rev, timeoutMs);
  }

  /**
   * A round trip on this connection: anything the server wrote to it before answering (a
   * broadcast to a room it is in) has arrived once this resolves.
   */
  async fence(): Promise<void> {
    const res = await (this.socket.timeout(10_000) as unknown as { emitWithAck(ev: string): Promise<Ack<unknown>> }).emitWithAck('session:whoami');
    expect(res.ok).toBe(true);
  }
}

/** A refusal in the shape every acknowledgement uses, with both languages present. */
export function expectRefusal(error: ApiError, code: ApiError['code'], fr?: string, en?: string): void {
  expect(error.code).toBe(code);
  expect(error.message).toEqual(expect.any(String));
  expect(error.messageEn).toEqual(expect.any(String));
  if (fr !== undefined) expect(error.message).toBe(fr);
  if (en !== undefined) expect(error.messageEn).toBe(en);
}

/** The names of the agenda in order, sub-items prefixed with "  ". */
export const agendaTitles = (s: MeetingState) => s.agenda.map((i) => (i.parentId ? `  ${i.title}` : i.title));

export const attendanceOf = (s: MeetingState, personId: string) => {
  const a = s.attendance.find((e) => e.personId === personId);
  if (!a) throw new Error(`no attendance entry for ${personId}`);
  return a;
};
