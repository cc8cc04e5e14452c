import type { Request, Router } from 'express';
import type { Services } from '../services.ts';
import type { VoteService } from './votes.service.ts';

/**
 * Votes under /api/v1 (mounted by server/api/router.ts, which has authenticated the request and
 * turns thrown AppErrors into the error shape). `services.votes` is the VoteService.
 */
export function registerVoteRoutes(r: Router, services: Services & { votes: VoteService }): void {
  const { votes } = services;
  const user = (req: Request) => req.identity?.user ?? null;
  const body = (req: Request) => (req.body ?? {}) as unknown;
  const id = (req: Request, name: string) => String(req.params[name]);

  r.get('/meetings/:meetingId/votes', async (req, res) => {
    res.json({ votes: await votes.listForMeeting(user(req), id(req, 'meetingId')) });
  });
  r.post('/meetings/:meetingId/votes', async (req, res) => {
    res.status(201).json({ vote: await votes.open(user(req), id(req, 'meetingId'), body(req)) });
  });
  r.get('/votes/:voteId', async (req, res) => {
    res.json({ vote: await votes.get(user(req), id(req, 'voteId')) });
  });
  r.post('/votes/:voteId/ballots', async (req, res) => {
    res.json({ ballot: await votes.cast(user(req), id(req, 'voteId'), body(req)) });
  });
  r.put('/votes/:voteId/room-counts', async (req, res) => {
    res.json({ vote: await votes.setRoomCounts(user(req), id(req, 'voteId'), body(req)) });
  });
  r.post('/votes/:voteId/close', async (req, res) => {
    res.json({ vote: await votes.close(user(req), id(req, 'voteId'), body(req)) });
  });

  // A body's voting defaults and its register of decisions.
  r.get('/bodies/:bodyId/vote-settings', async (req, res) => {
    const { canManage: _c, ...settings } = await votes.bodySettings(user(req), id(req, 'bodyId'));
    res.json({ settings });
  });
  r.put('/bodies/:bodyId/vote-settings', async (req, res) => {
    res.json({ settings: await votes.updateBodySettings(user(req), id(req, 'bodyId'), body(req)) });
  });
  const filter = (req: Request) => {
    const q = req.query as Record<string, unknown>;
    return { ...(q.year !== undefined ? { year: q.year } : {}), ...(q.kind !== undefined ? { kind: q.kind } : {}) };
  };
  r.get('/bodies/:bodyId/decisions', async (req, res) => {
    res.json(await votes.decisions(user(req), id(req, 'bodyId'), filter(req)));
  });
  r.get('/bodies/:bodyId/decisions.csv', async (req, res) => {
    const locale = req.query.lang === 'en' ? 'en' : 'fr';
    const csv = await votes.decisionsCsv(user(req), id(req, 'bodyId'), filter(req), locale);
    const f = filter(req) as { year?: unknown };
    const name = `${locale === 'fr' ? 'registre-des-decisions' : 'register-of-decisions'}${f.year ? `-${String(f.year).replace(/[^0-9]/g, '')}` : ''}.csv`;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.send(csv);
  });
}
