import type { Request, Response, Router } from 'express';
import type { Services } from '../services.ts';

/** Minutes under /api/v1 (mounted by server/api/router.ts, which has authenticated the request). */
export function registerMinutesRoutes(r: Router, services: Services): void {
  const minutes = () => services.minutes;
  const user = (req: Request) => req.identity?.user ?? null;
  const body = (req: Request) => (req.body ?? {}) as unknown;
  const meetingId = (req: Request) => String(req.params.meetingId);

  r.get('/meetings/:meetingId/minutes', async (req, res) => {
    res.json({ minutes: await minutes().get(user(req), meetingId(req)) });
  });
  r.post('/meetings/:meetingId/minutes/draft', async (req, res) => {
    res.json({ minutes: await minutes().generate(user(req), meetingId(req), body(req)) });
  });
  r.get('/meetings/:meetingId/minutes/check', async (req, res) => {
    res.json({ check: await minutes().check(user(req), meetingId(req)) });
  });
  r.post('/meetings/:meetingId/minutes/transitions', async (req, res) => {
    res.json({ minutes: await minutes().transition(user(req), meetingId(req), body(req)) });
  });
  r.get('/meetings/:meetingId/minutes/approval-candidates', async (req, res) => {
    res.json({ votes: await minutes().approvalCandidates(user(req), meetingId(req)) });
  });
  r.post('/meetings/:meetingId/minutes/approvals', async (req, res) => {
    res.json({ minutes: await minutes().linkApproval(user(req), meetingId(req), body(req)) });
  });
  const download = (format: 'pdf' | 'docx') => async (req: Request, res: Response) => {
    const file = await minutes().exportFile(user(req), meetingId(req), format);
    res.type(file.contentType).attachment(file.filename).send(file.data);
  };
  r.get('/meetings/:meetingId/minutes.pdf', download('pdf'));
  r.get('/meetings/:meetingId/minutes.docx', download('docx'));
}
