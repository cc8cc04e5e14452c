import type { Request, Response, Router } from 'express';
import type { Services } from '../services.ts';
import type { Locale } from '../shared/app-error.ts';
import type { ActionService } from '../actions/actions.service.ts';
import { harvestActorOf, type HarvestService } from './harvest.service.ts';
import { buildSynthesis, synthesisFileName } from './synthesis.ts';
import { synthesisPdf } from './synthesis-pdf.ts';
import { synthesisDocx } from './synthesis-docx.ts';

type WithHarvest = Services & { harvest: HarvestService; actions: ActionService };

/** A CSV cell: quoted, and a leading =, +, - or @ neutralised so a spreadsheet never runs it as a formula. */
export const csvCell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replaceAll('"', '""')}"`;
};

/**
 * A workshop's harvest under /api/v1: the board, themes, dot votes, ideas made actions, and the
 * synthesis as PDF or Word, ideas and dots as CSV. Members of the body and guests of this
 * workshop (guest cookie) are let in; the service checks what each may do.
 */
export function registerHarvestRoutes(r: Router, services: WithHarvest, localeOf: (req: Request) => Locale): void {
  const { harvest } = services;
  const actor = (req: Request) => harvestActorOf(req.identity?.user ?? null, req.identity?.guest ?? null);
  const body = (req: Request) => (req.body ?? {}) as unknown;
  const id = (req: Request, name: string) => String(req.params[name]);
  const download = (res: Response, type: string, name: string, data: Buffer | string) => {
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(data);
  };

  r.get('/workshops/:workshopId/harvest', async (req, res) => {
    const w = id(req, 'workshopId');
    const capabilities = await harvest.capabilities(actor(req), w);
    res.json({ state: await harvest.state(actor(req), w), mine: await harvest.mineFor(actor(req), w), capabilities });
  });
  r.post('/workshops/:workshopId/harvest/gather', async (req, res) => {
    res.json(await harvest.gather(actor(req), id(req, 'workshopId')));
  });
  r.patch('/workshops/:workshopId/harvest/settings', async (req, res) => {
    res.json({ state: await harvest.updateSettings(actor(req), id(req, 'workshopId'), body(req)) });
  });
  r.post('/workshops/:workshopId/harvest/phase', async (req, res) => {
    res.json({ state: await harvest.setPhase(actor(req), id(req, 'workshopId'), body(req)) });
  });
  r.post('/workshops/:workshopId/harvest/themes', async (req, res) => {
    res.status(201).json({ theme: await harvest.createTheme(actor(req), id(req, 'workshopId'), body(req)) });
  });
  r.patch('/harvest-themes/:themeId', async (req, res) => {
    await harvest.renameTheme(actor(req), id(req, 'themeId'), body(req));
    res.json({ ok: true });
  });
  r.delete('/harvest-themes/:themeId', async (req, res) => {
    await harvest.removeTheme(actor(req), id(req, 'themeId'));
    res.status(204).end();
  });
  r.post('/harvest-ideas/:ideaId/move', async (req, res) => {
    await harvest.moveIdea(actor(req), id(req, 'ideaId'), body(req));
    res.json({ ok: true });
  });
  r.post('/harvest-ideas/:ideaId/dots', async (req, res) => {
    res.status(201).json({ mine: await harvest.placeDot(actor(req), id(req, 'ideaId')) });
  });
  r.delete('/harvest-ideas/:ideaId/dots', async (req, res) => {
    res.json({ mine: await harvest.removeDot(actor(req), id(req, 'ideaId')) });
  });
  r.post('/harvest-ideas/:ideaId/action', async (req, res) => {
    const out = await harvest.toAction(actor(req), id(req, 'ideaId'), body(req));
    res.status(out.created ? 201 : 200).json(out);
  });

  const synthesis = (req: Request) => buildSynthesis(services, actor(req), id(req, 'workshopId'));
  r.get('/workshops/:workshopId/synthesis.pdf', async (req, res) => {
    const s = await synthesis(req);
    download(res, 'application/pdf', synthesisFileName(s.title, 'pdf'), await synthesisPdf(s, localeOf(req)));
  });
  r.get('/workshops/:workshopId/synthesis.docx', async (req, res) => {
    const s = await synthesis(req);
    download(res, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', synthesisFileName(s.title, 'docx'), await synthesisDocx(s, localeOf(req)));
  });
  r.get('/workshops/:workshopId/harvest.csv', async (req, res) => {
    const state = await harvest.state(actor(req), id(req, 'workshopId'));
    const themeName = new Map(state.themes.map((t) => [t.id, t.name]));
    const fr = localeOf(req) === 'fr';
    const head = fr ? ['Idée', 'Table', 'Tour', 'Auteur', 'Thème', 'Gommettes'] : ['Idea', 'Table', 'Round', 'Author', 'Theme', 'Dots'];
    const lines = [head.map(csvCell).join(';')];
    for (const i of state.ideas) lines.push([i.text, i.tableName, i.round, i.authorName, i.themeId ? (themeName.get(i.themeId) ?? '') : '', i.dots].map(csvCell).join(';'));
    // A BOM, so spreadsheet software reads the accents as UTF-8.
    download(res, 'text/csv; charset=utf-8', `idees-${state.workshopId.slice(0, 8)}.csv`, `\ufeff${lines.join('\r\n')}\r\n`);
  });
}
