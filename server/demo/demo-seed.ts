import pino from 'pino';
import type { Db, Queryable } from '../db/db.ts';
import { AccessService } from '../access.ts';
import { toAuthUser, type UserRow } from '../auth/sessions.ts';
import { hashPassword } from '../auth/passwords.ts';
import { recordAudit } from '../audit/audit.ts';
import { addMembershipSchema } from '../people/people.schemas.ts';
import type { Bilingual } from '../shared/app-error.ts';
import { validate } from '../shared/validate.ts';
import { createMailer } from '../mail/mailer.ts';
import { MeetingService } from '../meetings/meetings.service.ts';
import { GuestService } from '../guests/guests.service.ts';
import { RateLimiter } from '../auth/rate-limit.ts';
import { WorkshopService } from '../workshops/workshops.service.ts';
import {
  DEMO_BODIES,
  DEMO_EMAIL_DOMAIN,
  DEMO_MEETING,
  DEMO_WORKSHOP,
  demoMeetingTitle,
  DEMO_ORG_NAME,
  DEMO_ORG_SLUG,
  DEMO_PASSWORD,
  DEMO_PEOPLE,
  demoEmail
} from './demo-data.ts';

export interface DemoLogin {
  fullName: string;
  title: Bilingual;
  email: string;
  password: string;
}

export interface DemoSeedResult {
  /** `skipped`: the demo organisation was already there and `force` was not set. */
  status: 'created' | 'recreated' | 'skipped';
  organisation: { id: string; slug: string; name: string };
  logins: DemoLogin[];
}

// Serialises concurrent seeds (two `npm run demo` at once) so the existence check holds.
const DEMO_SEED_LOCK_KEY = 727_003;

export const demoLogins = (): DemoLogin[] =>
  DEMO_PEOPLE.map((p) => ({ fullName: p.fullName, title: p.title, email: demoEmail(p.fullName), password: DEMO_PASSWORD }));

/**
 * Seeds the demo organisation in one transaction: all of it or none of it. Idempotent: when
 * the organisation exists it is left alone, unless `force`, which deletes that organisation
 * (and the demo accounts that belong to it only) and creates it again. No other
 * organisation is touched. Then, through the services, so that it holds what the app itself
 * would have written: its secretary convenes the CCL's next meeting (DEMO_MEETING), and the
 * workshop group's facilitator prepares a world café (DEMO_WORKSHOP).
 */
export async function seedDemo(db: Db, opts: { force?: boolean } = {}): Promise<DemoSeedResult> {
  const result = await seedOrganisation(db, opts);
  if (result.status !== 'skipped') {
    try {
      const services = await demoServices(db);
      await conveneDemoMeeting(db, services, result.organisation.id);
      await prepareDemoWorkshop(db, services, result.organisation.id);
    } catch (err) {
      // All or none: without its meeting and workshop the demo would be "already there" for good.
      await db.transaction((tx) => deleteDemoOrg(tx, result.organisation.id)).catch(() => undefined);
      throw err;
    }
  }
  return result;
}

async function seedOrganisation(db: Db, opts: { force?: boolean }): Promise<DemoSeedResult> {
  const existing = await findDemoOrg(db);
  if (existing && !opts.force) return { status: 'skipped', organisation: existing, logins: demoLogins() };

  // Hash outside the transaction: argon2 is deliberately slow and PGlite has one connection.
  const hashes = new Map(await Promise.all(DEMO_PEOPLE.map(async (p) => [p.key, await hashPassword(DEMO_PASSWORD)] as const)));

  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [DEMO_SEED_LOCK_KEY]);
    const current = await findDemoOrg(tx);
    if (current && !opts.force) return { status: 'skipped', organisation: current, logins: demoLogins() };
    if (current) await deleteDemoOrg(tx, current.id);

    const [org] = await tx.query<{ id: string; slug: string; name: string }>(
      'insert into organisations (name, slug) values ($1, $2) returning id, slug, name',
      [DEMO_ORG_NAME, DEMO_ORG_SLUG]
    );

    const personIds = new Map<string, string>();
    let adminUserId: string | null = null;
    for (const p of DEMO_PEOPLE) {
      const email = demoEmail(p.fullName);
      // An account left over from an earlier demo (accounts outlive organisations) is reused.
      const [user] = await tx.query<{ id: string }>(
        `insert into users (email, display_name, password_hash) values ($1, $2, $3)
         on conflict ((lower(email))) do update set display_name = excluded.display_name, password_hash = excluded.password_hash
         returning id`,
        [email, p.fullName, hashes.get(p.key)]
      );
      const [person] = await tx.query<{ id: string }>(
        'insert into people (organisation_id, full_name, email, user_id, org_role) values ($1, $2, $3, $4, $5) returning id',
        [org.id, p.fullName, email, user.id, p.orgRole]
      );
      personIds.set(p.key, person.id);
      if (p.orgRole === 'admin') adminUserId ??= user.id;
    }

    const bodyIds = new Map<string, string>();
    for (const b of DEMO_BODIES) {
      const [body] = await tx.query<{ id: string }>(
        'insert into bodies (organisation_id, parent_id, kind, name, description) values ($1, $2, $3, $4, $5) returning id',
        [org.id, b.parent ? bodyIds.get(b.parent) : null, b.kind, b.name, b.description]
      );
      bodyIds.set(b.key, body.id);
      for (const m of b.members) {
        // The same rules as the membership form (an observer never votes, mandate order).
        const data = validate(addMembershipSchema, { ...m, personId: personIds.get(m.person) });
        await tx.query(
          `insert into memberships (body_id, person_id, role, college, affiliation, affiliation_name, voting_right, mandate_start, mandate_end)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [body.id, data.personId, data.role, data.college, data.affiliation, data.affiliationName ?? null, data.votingRight, data.mandateStart ?? null, data.mandateEnd ?? null]
        );
      }
    }

    await recordAudit(tx, { organisationId: org.id, actorUserId: adminUserId, action: 'demo.seeded', data: { force: !!opts.force } });
    return { status: current ? 'recreated' : 'created', organisation: org, logins: demoLogins() };
  });
}

/** A demo person's account, as the services see who is asking; and the id of one demo body. */
async function actorAndBody(db: Db, organisationId: string, personKey: string, bodyKey: string) {
  const person = DEMO_PEOPLE.find((p) => p.key === personKey)!;
  const bodyName = DEMO_BODIES.find((b) => b.key === bodyKey)!.name;
  const [row] = await db.query<UserRow & { body_id: string }>(
    `select u.*, b.id as body_id from people p join users u on u.id = p.user_id join bodies b on b.organisation_id = p.organisation_id
      where p.organisation_id = $1 and p.email = $2 and b.name = $3`,
    [organisationId, demoEmail(person.fullName), bodyName]
  );
  if (!row) throw new Error('the demo organisation changed while it was being seeded (another seed-demo --force at the same time?)');
  return { actor: toAuthUser(row), bodyId: row.body_id };
}

/** The services the demo's meeting and workshop are made through (no mail is sent, nothing is logged). */
async function demoServices(db: Db) {
  const logger = pino({ level: 'silent' });
  const access = new AccessService(db);
  return {
    meetings: new MeetingService(db, access, await createMailer(null, 'concerto@localhost', logger), logger),
    workshops: new WorkshopService(db, access, new GuestService(db, access, new RateLimiter(db)), logger)
  };
}
type DemoServices = Awaited<ReturnType<typeof demoServices>>;

/** The demo meeting, as its secretary would make it in the app: created, its agenda written, convened. */
async function conveneDemoMeeting(db: Db, { meetings }: DemoServices, organisationId: string): Promise<void> {
  const { actor, bodyId } = await actorAndBody(db, organisationId, DEMO_MEETING.convenedBy, DEMO_MEETING.body);
  const day = new Date(Date.now() + DEMO_MEETING.inDays * 86_400_000).toISOString().slice(0, 10);
  const meeting = await meetings.create(actor, bodyId, { title: demoMeetingTitle(day), startsAt: `${day}T14:00`, place: DEMO_MEETING.place });
  for (const item of DEMO_MEETING.items) await meetings.addItem(actor, meeting.id, item);
  await meetings.transition(actor, meeting.id, { to: 'convened' });
}

/** The demo world café, as its facilitator would prepare it in the app: tables, the group's members, a host per table. */
async function prepareDemoWorkshop(db: Db, { workshops }: DemoServices, organisationId: string): Promise<void> {
  const { actor, bodyId } = await actorAndBody(db, organisationId, DEMO_WORKSHOP.facilitator, DEMO_WORKSHOP.body);
  const { title, purpose, roundCount, roundMinutes } = DEMO_WORKSHOP;
  const tables = DEMO_WORKSHOP.tables.map(({ name, question, grid }) => ({ name, question, grid }));
  const workshop = await workshops.create(actor, bodyId, { title, purpose, roundCount, roundMinutes, tables });
  await workshops.addBodyMembers(actor, workshop.id);
  const { state } = await workshops.state({ user: actor, guest: null }, workshop.id);
  for (const t of DEMO_WORKSHOP.tables) {
    const host = DEMO_PEOPLE.find((p) => p.key === t.host)!;
    const participant = state.participants.find((p) => p.name === host.fullName)!;
    await workshops.updateTable(actor, state.tables.find((x) => x.name === t.name)!.id, { hostParticipantId: participant.id });
  }
}

async function findDemoOrg(q: Queryable) {
  const rows = await q.query<{ id: string; slug: string; name: string }>('select id, slug, name from organisations where slug = $1', [DEMO_ORG_SLUG]);
  return rows[0] ?? null;
}

async function deleteDemoOrg(tx: Queryable, organisationId: string): Promise<void> {
  // Accounts are not owned by an organisation: delete only demo accounts nobody else uses.
  await tx.query(
    `delete from users u
      where u.id in (select user_id from people where organisation_id = $1 and user_id is not null)
        and lower(u.email) like $2
        and not exists (select 1 from people o where o.user_id = u.id and o.organisation_id <> $1)`,
    [organisationId, `%@${DEMO_EMAIL_DOMAIN}`]
  );
  // bodies.parent_id is ON DELETE RESTRICT: unhook sub-bodies before the cascade.
  await tx.query('update bodies set parent_id = null where organisation_id = $1', [organisationId]);
  await tx.query('delete from organisations where id = $1', [organisationId]);
}
