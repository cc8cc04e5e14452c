import express, { type NextFunction, type Request, type Response } from 'express';
import type { Services } from '../services.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import { GUEST_COOKIE } from '../guests/guests.service.ts';
import { AppError, Errors, bi, statusOf, toApiError, type Locale } from '../shared/app-error.ts';
import { sessionCookieOptions, type RequestIdentity } from '../http/request-auth.ts';
import { openApiDocument } from './openapi.ts';
import { tokenNameSchema } from '../auth/api-tokens.ts';
import { validate } from '../shared/validate.ts';
import { registerMeetingRoutes } from '../meetings/meetings.routes.ts';
import { registerWorkshopRoutes } from '../workshops/workshops.routes.ts';
import { registerVoteRoutes } from '../votes/votes.routes.ts';
import { registerMinutesRoutes } from '../minutes/minutes.routes.ts';
import { registerActionRoutes } from '../actions/actions.routes.ts';
import { registerHarvestRoutes } from '../harvest/harvest.routes.ts';
import { registerCharterRoutes } from '../charters/charters.routes.ts';
import { ATTACHMENT_TYPES } from '../meetings/meetings.service.ts';

declare module 'express-serve-static-core' {
  interface Request {
    identity?: RequestIdentity;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function localeOf(req: Request): Locale {
  const q = req.query.lang;
  if (q === 'en' || q === 'fr') return q;
  const al = req.headers['accept-language'] ?? '';
  if (/^en\b/i.test(al)) return 'en';
  return req.identity?.user?.locale ?? 'fr';
}

export function baseUrlOf(services: Services, req: Request): string {
  return services.config.origin ?? `${req.protocol}://${req.get('host')}`;
}

const isHttps = (services: Services, req: Request) => req.secure || !!services.config.origin?.startsWith('https://');

/** The JSON API under /api/v1. Every route authenticates, validates with zod, then calls a service. */
export function createApiRouter(services: Services): express.Router {
  const r = express.Router();
  const { auth, sessions, apiTokens, organisations, bodies, people, invitations, guests } = services;

  r.use(
    express.json({ limit: '256kb' }),
    (err: unknown, _req: Request, _res: Response, next: NextFunction) => {
      next(
        err
          ? new AppError('bad_request', bi('Le corps de la requête n’est pas du JSON valide.', 'The request body is not valid JSON.'))
          : undefined
      );
    }
  );

  r.use(async (req, _res, next) => {
    req.identity = await services.authenticator.identify(req);
    // A cookie-authenticated change must be JSON: a cross-site form cannot send that without
    // a CORS preflight, which we never grant.
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    const sendsContent =
      req.headers['content-type'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const fileUpload = /^\/agenda-items\/[^/]+\/attachments$/.test(req.path) && !!req.is([...ATTACHMENT_TYPES]);
    if (req.identity.via === 'cookie' && unsafe && sendsContent && !req.is('application/json') && !fileUpload) {
      return next(new AppError('bad_request', bi('Envoyez du JSON (Content-Type: application/json).', 'Send JSON (Content-Type: application/json).')));
    }
    next();
  });

  for (const p of ['orgId', 'bodyId', 'personId', 'membershipId', 'invitationId', 'meetingId', 'itemId', 'attachmentId', 'voteId']) {
    r.param(p, (_req, _res, next, value: string) => {
      next(UUID.test(value) ? undefined : Errors.notFound(bi('Ressource', 'Resource')));
    });
  }

  const user = (req: Request) => req.identity?.user ?? null;
  const requireUser = (req: Request) => {
    const u = user(req);
    if (!u) throw Errors.unauthorised();
    return u;
  };
  const body = (req: Request) => (req.body ?? {}) as unknown;
  const ip = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

  r.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(services.config.version));
  });

  // Setup and auth -------------------------------------------------------------------------
  r.get('/setup', async (_req, res) => {
    res.json({ setupDone: await organisations.isSetupDone() });
  });
  r.post('/setup', async (req, res) => {
    const { organisation } = await organisations.setup(body(req));
    const login = await auth.login({ email: (req.body as { email: string }).email, password: (req.body as { password: string }).password }, ip(req), req.get('user-agent'));
    res.cookie(SESSION_COOKIE, login.token, sessionCookieOptions(isHttps(services, req), login.expiresAt));
    res.status(201).json({ organisation, user: login.user });
  });
  r.post('/auth/login', async (req, res) => {
    const login = await auth.login(body(req), ip(req), req.get('user-agent'));
    res.cookie(SESSION_COOKIE, login.token, sessionCookieOptions(isHttps(services, req), login.expiresAt));
    res.json({ user: login.user, token: login.token, expiresAt: login.expiresAt.toISOString() });
  });
  r.post('/auth/logout', async (req, res) => {
    requireUser(req);
    if (req.identity?.session) await sessions.invalidate(req.identity.session.id);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({ ok: true });
  });
  r.post('/auth/logout-all', async (req, res) => {
    const u = requireUser(req);
    const ended = await sessions.invalidateAll(u.id);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({ ok: true, sessionsEnded: ended });
  });
  r.get('/auth/me', async (req, res) => {
    const u = requireUser(req);
    res.json({ user: u, organisations: await organisations.listForUser(u) });
  });
  r.post('/auth/password', async (req, res) => {
    await auth.changePassword(requireUser(req), body(req), req.identity?.session?.id);
    res.json({ ok: true });
  });
  r.get('/auth/tokens', async (req, res) => {
    res.json({ tokens: await apiTokens.list(requireUser(req).id) });
  });
  r.post('/auth/tokens', async (req, res) => {
    const u = requireUser(req);
    const { name } = validate(tokenNameSchema, body(req));
    const created = await apiTokens.create(u.id, name);
    res.status(201).json({ token: created.token, info: created.info });
  });
  r.delete('/auth/tokens/:tokenId', async (req, res) => {
    const ok = await apiTokens.revoke(requireUser(req).id, String(req.params.tokenId));
    if (!ok) throw Errors.notFound(bi('Jeton', 'Token'));
    res.status(204).end();
  });

  // Organisations -------------------------------------------------------------------------
  r.get('/organisations', async (req, res) => {
    res.json({ organisations: await organisations.listForUser(requireUser(req)) });
  });
  r.post('/organisations', async (req, res) => {
    res.status(201).json({ organisation: await organisations.create(user(req), body(req)) });
  });
  r.get('/organisations/:orgId', async (req, res) => {
    res.json({ organisation: await organisations.get(user(req), String(req.params.orgId)) });
  });
  r.patch('/organisations/:orgId', async (req, res) => {
    res.json({ organisation: await organisations.update(user(req), String(req.params.orgId), body(req)) });
  });

  // Bodies --------------------------------------------------------------------------------
  r.get('/organisations/:orgId/bodies', async (req, res) => {
    res.json({ bodies: await bodies.list(user(req), String(req.params.orgId)) });
  });
  r.post('/organisations/:orgId/bodies', async (req, res) => {
    res.status(201).json({ body: await bodies.create(user(req), String(req.params.orgId), body(req)) });
  });
  r.get('/bodies/:bodyId', async (req, res) => {
    const b = await bodies.get(user(req), String(req.params.bodyId));
    res.json({ body: b, memberships: await people.listMemberships(user(req), b.id) });
  });
  r.patch('/bodies/:bodyId', async (req, res) => {
    res.json({ body: await bodies.update(user(req), String(req.params.bodyId), body(req)) });
  });
  r.delete('/bodies/:bodyId', async (req, res) => {
    await bodies.archive(user(req), String(req.params.bodyId));
    res.status(204).end();
  });

  // People and memberships ---------------------------------------------------------------
  r.get('/organisations/:orgId/people', async (req, res) => {
    res.json({ people: await people.list(user(req), String(req.params.orgId)) });
  });
  r.post('/organisations/:orgId/people', async (req, res) => {
    res.status(201).json({ person: await people.create(user(req), String(req.params.orgId), body(req)) });
  });
  r.get('/people/:personId', async (req, res) => {
    const p = await people.get(user(req), String(req.params.personId));
    res.json({ person: p, memberships: await people.listMembershipsOfPerson(user(req), p.id) });
  });
  r.patch('/people/:personId', async (req, res) => {
    res.json({ person: await people.update(user(req), String(req.params.personId), body(req)) });
  });
  r.get('/bodies/:bodyId/memberships', async (req, res) => {
    res.json({ memberships: await people.listMemberships(user(req), String(req.params.bodyId)) });
  });
  r.post('/bodies/:bodyId/memberships', async (req, res) => {
    res.status(201).json({ membership: await people.addMembership(user(req), String(req.params.bodyId), body(req)) });
  });
  r.patch('/memberships/:membershipId', async (req, res) => {
    res.json({ membership: await people.updateMembership(user(req), String(req.params.membershipId), body(req)) });
  });
  r.delete('/memberships/:membershipId', async (req, res) => {
    await people.removeMembership(user(req), String(req.params.membershipId));
    res.status(204).end();
  });

  // Invitations ---------------------------------------------------------------------------
  r.get('/organisations/:orgId/invitations', async (req, res) => {
    res.json({ invitations: await invitations.list(user(req), String(req.params.orgId)) });
  });
  r.post('/people/:personId/invitations', async (req, res) => {
    res.status(201).json({ invitation: await invitations.create(user(req), String(req.params.personId), baseUrlOf(services, req)) });
  });
  r.delete('/invitations/:invitationId', async (req, res) => {
    await invitations.revoke(user(req), String(req.params.invitationId));
    res.status(204).end();
  });
  r.get('/invitations/by-token/:token', async (req, res) => {
    res.json({ invitation: await invitations.preview(String(req.params.token)) });
  });
  r.post('/invitations/by-token/:token/accept', async (req, res) => {
    const accepted = await invitations.accept(String(req.params.token), body(req));
    const s = await sessions.create(accepted.userId, req.get('user-agent'));
    res.cookie(SESSION_COOKIE, s.token, sessionCookieOptions(isHttps(services, req), s.session.expiresAt));
    res.status(201).json({ userId: accepted.userId, organisationId: accepted.organisationId });
  });

  // Guests --------------------------------------------------------------------------------
  r.post('/organisations/:orgId/guest-codes', async (req, res) => {
    res.status(201).json({ guestCode: await guests.createCode(user(req), String(req.params.orgId), body(req), baseUrlOf(services, req)) });
  });
  r.post('/guests/join', async (req, res) => {
    const joined = await guests.join(body(req), ip(req));
    res.cookie(GUEST_COOKIE, joined.token, sessionCookieOptions(isHttps(services, req), new Date(joined.guest.expiresAt)));
    res.status(201).json({ guest: joined.guest });
  });
  r.get('/guests/me', async (req, res) => {
    if (!req.identity?.guest) throw Errors.unauthorised();
    res.json({ guest: req.identity.guest });
  });

  registerMeetingRoutes(r, services, (req) => baseUrlOf(services, req));
  registerVoteRoutes(r, services);
  registerMinutesRoutes(r, services);
  registerActionRoutes(r, services);
  registerHarvestRoutes(r, services, localeOf);
  registerCharterRoutes(r, services, localeOf);
  registerWorkshopRoutes(r, services, (req) => baseUrlOf(services, req));

  r.use((_req, _res, next) => next(Errors.notFound(bi('Route', 'Route'))));

  r.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if ((err as { type?: string } | null)?.type === 'entity.too.large') {
      err = new AppError('too_large', bi('Envoi trop volumineux (10 Mo au plus pour un fichier).', 'Upload too large (10 MB at most for a file).'));
    }
    const status = statusOf(err);
    if (status >= 500) services.logger.error({ err, path: req.path }, 'api error');
    res.status(status).json({ error: toApiError(err, localeOf(req)) });
  });
  return r;
}
