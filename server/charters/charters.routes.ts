import type { Request, Router } from 'express';
import type { Services } from '../services.ts';
import type { Locale } from '../shared/app-error.ts';
import type { CharterService } from './charters.service.ts';

/**
 * Charters under /api/v1 (mounted by server/api/router.ts, which has authenticated the request
 * and turns thrown AppErrors into the error shape). Ids are checked by the service (not found).
 */
export function registerCharterRoutes(r: Router, services: Services & { charters: CharterService }, localeOf: (req: Request) => Locale): void {
  const { charters } = services;
  const user = (req: Request) => req.identity?.user ?? null;
  const body = (req: Request) => (req.body ?? {}) as unknown;
  const id = (req: Request, name: string) => String(req.params[name]);

  r.get('/bodies/:bodyId/charters', async (req, res) => {
    res.json(await charters.list(user(req), id(req, 'bodyId')));
  });
  r.post('/bodies/:bodyId/charters', async (req, res) => {
    res.status(201).json({ charter: await charters.create(user(req), id(req, 'bodyId'), body(req)) });
  });
  r.get('/charters/:charterId', async (req, res) => {
    res.json({ charter: await charters.get(user(req), id(req, 'charterId')) });
  });
  r.post('/charters/:charterId/status', async (req, res) => {
    res.json({ charter: await charters.transition(user(req), id(req, 'charterId'), body(req)) });
  });
  r.get('/charters/:charterId/versions', async (req, res) => {
    res.json({ versions: await charters.listVersions(user(req), id(req, 'charterId')) });
  });
  r.post('/charters/:charterId/versions', async (req, res) => {
    res.status(201).json({ version: await charters.saveVersion(user(req), id(req, 'charterId'), body(req)) });
  });
  r.get('/charters/:charterId/versions/:versionId', async (req, res) => {
    res.json({ version: await charters.getVersion(user(req), id(req, 'charterId'), id(req, 'versionId')) });
  });
  r.get('/charters/:charterId/versions/:versionId/export.:format', async (req, res) => {
    const file = await charters.exportVersion(user(req), id(req, 'charterId'), id(req, 'versionId'), id(req, 'format'), localeOf(req));
    res
      .type(file.contentType)
      .set('Content-Disposition', `attachment; filename="${file.filename}"`)
      .set('Cache-Control', 'private, no-store')
      .send(file.bytes);
  });
  r.get('/charters/:charterId/compare', async (req, res) => {
    res.json({ comparison: await charters.compare(user(req), id(req, 'charterId'), { from: req.query.from, to: req.query.to }) });
  });
  r.post('/charters/:charterId/adoptions', async (req, res) => {
    res.status(201).json({ charter: await charters.linkVote(user(req), id(req, 'charterId'), body(req)) });
  });
  r.post('/charters/:charterId/signatures', async (req, res) => {
    res.status(201).json({ signature: await charters.sign(user(req), id(req, 'charterId'), body(req)) });
  });
}
