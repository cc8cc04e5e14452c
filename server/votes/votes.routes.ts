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
    res.json({ vote: await votes.close(user(req), id(req, 'voteId')) });
  });
}
