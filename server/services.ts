import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Db } from './db/db.ts';
import { AccessService } from './access.ts';
import { ActionService } from './actions/actions.service.ts';
import { HarvestService } from './harvest/harvest.service.ts';
import { ApiTokenService } from './auth/api-tokens.ts';
import { AuthService } from './auth/auth.service.ts';
import { RateLimiter } from './auth/rate-limit.ts';
import { SessionService } from './auth/sessions.ts';
import { BodyService } from './bodies/bodies.service.ts';
import { CharterService } from './charters/charters.service.ts';
import { GuestService } from './guests/guests.service.ts';
import { RequestAuthenticator } from './http/request-auth.ts';
import { InvitationService } from './invitations/invitations.service.ts';
import type { Mailer } from './mail/mailer.ts';
import { MeetingService } from './meetings/meetings.service.ts';
import { MinutesService } from './minutes/minutes.service.ts';
import { VoteService } from './votes/votes.service.ts';
import { WorkshopService } from './workshops/workshops.service.ts';
import { BoundDocumentStore } from './yjs/document-store.ts';
import { OrganisationService } from './organisations/organisations.service.ts';
import { PeopleService } from './people/people.service.ts';

/** Every service, built once by the composition root and shared by Express, SvelteKit, Socket.IO and Yjs. */
export interface Services {
  config: Config;
  logger: Logger;
  db: Db;
  mailer: Mailer;
  limiter: RateLimiter;
  sessions: SessionService;
  apiTokens: ApiTokenService;
  auth: AuthService;
  access: AccessService;
  authenticator: RequestAuthenticator;
  organisations: OrganisationService;
  bodies: BodyService;
  people: PeopleService;
  invitations: InvitationService;
  guests: GuestService;
  meetings: MeetingService;
  votes: VoteService;
  /** Meeting minutes (issue 6): drafts from the record, approval by vote, publication. */
  minutes: MinutesService;
  workshops: WorkshopService;
  /** Body action plans (issue 7). */
  actions: ActionService;
  /** World-café harvests: gathered ideas, themes, dot votes (issue 7). */
  harvest: HarvestService;
  /** Server-side access to co-edited documents; bound to the Yjs server by server/app.ts. */
  documents: BoundDocumentStore;
  /** Co-written texts of bodies: versions, comparison, adoption by vote, signatures, exports (issue 6). */
  charters: CharterService;
}

export function buildServices(config: Config, logger: Logger, db: Db, mailer: Mailer): Services {
  const limiter = new RateLimiter(db);
  const sessions = new SessionService(db, config.sessionDays);
  const apiTokens = new ApiTokenService(db);
  const access = new AccessService(db);
  const guests = new GuestService(db, access, limiter);
  const meetings = new MeetingService(db, access, mailer, logger);
  const votes = new VoteService(db, access, meetings);
  const documents = new BoundDocumentStore();
  return {
    config,
    logger,
    db,
    mailer,
    limiter,
    sessions,
    apiTokens,
    auth: new AuthService(db, sessions, limiter),
    access,
    authenticator: new RequestAuthenticator(sessions, apiTokens, guests),
    organisations: new OrganisationService(db, access),
    bodies: new BodyService(db, access),
    people: new PeopleService(db, access),
    invitations: new InvitationService(db, access, mailer, logger),
    guests,
    meetings,
    votes,
    minutes: new MinutesService(db, access, meetings, logger),
    workshops: new WorkshopService(db, access, guests, logger, documents),
    actions: new ActionService(db, access, meetings),
    harvest: new HarvestService(db, access, documents, logger),
    documents,
    charters: new CharterService(db, access, documents, votes, logger)
  };
}
