import type { Request, Router } from 'express';
import type { Services } from '../services.ts';

/** World-café workshops under /api/v1 (mounted by server/api/router.ts, which has authenticated the request). */
export function registerWorkshopRoutes(r: Router, services: Services, baseUrlOf: (req: Request) => string): void {
  const { workshops } = services;
  const user = (req: Request) => req.identity?.user ?? null;
  const who = (req: Request) => ({ user: user(req), guest: user(req) ? null : (req.identity?.guest ?? null) });
  const body = (req: Request) => (req.body ?? {}) as unknown;
  const id = (req: Request, name: string) => String(req.params[name]);

  r.get('/bodies/:bodyId/workshops', async (req, res) => {
    res.json({ workshops: await workshops.list(user(req), id(req, 'bodyId')) });
  });
  r.post('/bodies/:bodyId/workshops', async (req, res) => {
    res.status(201).json({ workshop: await workshops.create(user(req), id(req, 'bodyId'), body(req)) });
  });
  r.get('/workshops/:workshopId', async (req, res) => {
    res.json(await workshops.state(who(req), id(req, 'workshopId')));
  });
  r.patch('/workshops/:workshopId', async (req, res) => {
    res.json({ workshop: await workshops.update(user(req), id(req, 'workshopId'), body(req)) });
  });
  r.post('/workshops/:workshopId/tables', async (req, res) => {
    res.status(201).json({ table: await workshops.addTable(user(req), id(req, 'workshopId'), body(req)) });
  });
  r.patch('/workshop-tables/:tableId', async (req, res) => {
    res.json({ table: await workshops.updateTable(user(req), id(req, 'tableId'), body(req)) });
  });
  r.delete('/workshop-tables/:tableId', async (req, res) => {
    await workshops.removeTable(user(req), id(req, 'tableId'));
    res.status(204).end();
  });
  r.post('/workshops/:workshopId/participants', async (req, res) => {
    res.status(201).json({ participant: await workshops.addParticipant(user(req), id(req, 'workshopId'), body(req)) });
  });
  r.post('/workshops/:workshopId/participants/body-members', async (req, res) => {
    res.json({ added: await workshops.addBodyMembers(user(req), id(req, 'workshopId')) });
  });
  r.patch('/workshop-participants/:participantId', async (req, res) => {
    res.json({ participant: await workshops.updateParticipant(user(req), id(req, 'participantId'), body(req)) });
  });
  r.delete('/workshop-participants/:participantId', async (req, res) => {
    await workshops.removeParticipant(user(req), id(req, 'participantId'));
    res.status(204).end();
  });
  r.post('/workshops/:workshopId/join', async (req, res) => {
    const w = who(req);
    const capabilities = w.user ? await workshops.joinAsUser(w.user, id(req, 'workshopId')) : await workshops.joinAsGuest(w.guest, id(req, 'workshopId'));
    res.json({ capabilities });
  });
  r.get('/workshops/:workshopId/plan', async (req, res) => {
    res.json(await workshops.checkPlan(user(req), id(req, 'workshopId')));
  });
  r.post('/workshops/:workshopId/plan', async (req, res) => {
    res.json(await workshops.generatePlan(user(req), id(req, 'workshopId'), body(req)));
  });
  r.put('/workshops/:workshopId/plan', async (req, res) => {
    res.json(await workshops.savePlan(user(req), id(req, 'workshopId'), body(req)));
  });
  r.post('/workshops/:workshopId/guest-code', async (req, res) => {
    res.json({ join: await workshops.guestCode(user(req), id(req, 'workshopId'), baseUrlOf(req)) });
  });
  r.post('/workshops/:workshopId/control', async (req, res) => {
    res.json({ state: await workshops.control(user(req), id(req, 'workshopId'), body(req)) });
  });
  r.post('/workshops/:workshopId/locks', async (req, res) => {
    await workshops.lockRound(who(req), id(req, 'workshopId'), body(req));
    res.status(204).end();
  });
}
