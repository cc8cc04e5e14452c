import type { Request, Router } from 'express';
import type { Services } from '../services.ts';
import type { ActionService } from './actions.service.ts';

/**
 * A body's action plan under /api/v1 (mounted by server/api/router.ts, which authenticates the
 * request, checks uuid parameters and turns thrown AppErrors into the error shape).
 */
export function registerActionRoutes(r: Router, services: Services & { actions: ActionService }): void {
  const { actions } = services;
  const user = (req: Request) => req.identity?.user ?? null;
  const body = (req: Request) => (req.body ?? {}) as unknown;
  const id = (req: Request, name: string) => String(req.params[name]);
  const query = (req: Request) => ({
    status: typeof req.query.status === 'string' ? req.query.status : undefined,
    horizon: typeof req.query.horizon === 'string' ? req.query.horizon : undefined
  });

  r.get('/bodies/:bodyId/actions', async (req, res) => {
    res.json({ actions: await actions.list(user(req), id(req, 'bodyId'), query(req)) });
  });
  r.post('/bodies/:bodyId/actions', async (req, res) => {
    res.status(201).json({ action: await actions.create(user(req), id(req, 'bodyId'), body(req)) });
  });
  r.post('/bodies/:bodyId/actions/review-item', async (req, res) => {
    res.status(201).json({ item: await actions.addReviewItem(user(req), id(req, 'bodyId'), body(req)) });
  });
  r.get('/actions/:actionId', async (req, res) => {
    res.json({ action: await actions.get(user(req), id(req, 'actionId')) });
  });
  r.patch('/actions/:actionId', async (req, res) => {
    res.json({ action: await actions.update(user(req), id(req, 'actionId'), body(req)) });
  });
  r.delete('/actions/:actionId', async (req, res) => {
    await actions.remove(user(req), id(req, 'actionId'));
    res.status(204).end();
  });
}
