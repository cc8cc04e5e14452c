import { api, cookieFrom } from './test-server.ts';

/**
 * Builders that go through the public API, the way an administrator would: each one fails
 * loudly when the server refuses, so a test reads as its scenario.
 */

function expectStatus(res: { status: number; json: unknown }, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.json)}`);
}

export interface BodyInput {
  name?: string;
  kind?: string;
  parentId?: string | null;
  description?: string;
}

export async function createBody(baseUrl: string, cookie: string, orgId: string, input: BodyInput = {}): Promise<{ id: string; [k: string]: unknown }> {
  const res = await api(baseUrl, cookie).post(`/organisations/${orgId}/bodies`, { name: 'CCL Pau centre', kind: 'ccl', ...input });
  expectStatus(res, 201, 'create body');
  return res.json.body;
}

export interface PersonInput {
  fullName?: string;
  email?: string | null;
  phone?: string | null;
  orgRole?: 'admin' | 'member';
}

let personCounter = 0;

export async function createPerson(baseUrl: string, cookie: string, orgId: string, input: PersonInput = {}): Promise<{ id: string; [k: string]: unknown }> {
  const n = ++personCounter;
  const res = await api(baseUrl, cookie).post(`/organisations/${orgId}/people`, {
    fullName: `Personne ${n}`,
    email: `personne${n}.${Date.now()}@exemple.test`,
    ...input
  });
  expectStatus(res, 201, 'create person');
  return res.json.person;
}

export interface MembershipInput {
  role?: 'admin' | 'secretary' | 'chair' | 'member' | 'observer';
  college?: 'landlord' | 'tenant' | 'other';
  affiliation?: string;
  votingRight?: boolean;
  mandateStart?: string | null;
  mandateEnd?: string | null;
}

export async function addMembership(
  baseUrl: string,
  cookie: string,
  bodyId: string,
  personId: string,
  input: MembershipInput = {}
): Promise<{ id: string; [k: string]: unknown }> {
  const res = await api(baseUrl, cookie).post(`/bodies/${bodyId}/memberships`, { personId, role: 'member', college: 'tenant', ...input });
  expectStatus(res, 201, 'add membership');
  return res.json.membership;
}

export async function invite(baseUrl: string, cookie: string, personId: string): Promise<{ id: string; url: string; token: string; [k: string]: unknown }> {
  const res = await api(baseUrl, cookie).post(`/people/${personId}/invitations`);
  expectStatus(res, 201, 'create invitation');
  const url: string = res.json.invitation.url;
  return { ...res.json.invitation, token: tokenOfInvitationUrl(url) };
}

export function tokenOfInvitationUrl(url: string): string {
  const m = /\/invitation\/([^/?#]+)$/.exec(url);
  if (!m) throw new Error(`not an invitation link: ${url}`);
  return m[1];
}

export interface MemberAccount {
  cookie: string;
  personId: string;
  userId: string;
  email: string;
  password: string;
}

/**
 * A person of the organisation with an account: created, invited, and the invitation accepted
 * (which logs them in). Optionally a member of `bodyId` with `membership`.
 */
export async function createMemberAccount(
  baseUrl: string,
  adminCookie: string,
  orgId: string,
  opts: { person?: PersonInput; bodyId?: string; membership?: MembershipInput; password?: string } = {}
): Promise<MemberAccount> {
  const person = await createPerson(baseUrl, adminCookie, orgId, opts.person);
  if (opts.bodyId) await addMembership(baseUrl, adminCookie, opts.bodyId, person.id, opts.membership);
  const invitation = await invite(baseUrl, adminCookie, person.id);
  const password = opts.password ?? 'mot-de-passe-du-membre';
  const res = await api(baseUrl).post(`/invitations/by-token/${invitation.token}/accept`, { password });
  expectStatus(res, 201, 'accept invitation');
  return { cookie: cookieFrom(res.headers), personId: person.id, userId: res.json.userId, email: String(person.email), password };
}
