import express, { type Request, type Router } from 'express';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from './meetings.service.ts';
import type { Services } from '../services.ts';
import { meetingToIcs } from './ics.ts';
import { agendaPdf } from './agenda-pdf.ts';
import { localeOf } from '../api/router.ts';

/** Meetings under /api/v1 (mounted by server/api/router.ts, which has authenticated the request). */
export function registerMeetingRoutes(r: Router, services: Services, baseUrlOf: (req: Request) => string): void {
  const { meetings } = services;
  const user = (req: Request) => req.identity?.user ?? null;
  const body = (req: Request) => (req.body ?? {}) as unknown;
  const id = (req: Request, name: string) => String(req.params[name]);

  r.get('/bodies/:bodyId/meetings', async (req, res) => {
    res.json({ meetings: await meetings.list(user(req), id(req, 'bodyId')) });
  });
  r.post('/bodies/:bodyId/meetings', async (req, res) => {
    res.status(201).json({ meeting: await meetings.create(user(req), id(req, 'bodyId'), body(req)) });
  });
  r.get('/meetings/:meetingId', async (req, res) => {
    const meetingId = id(req, 'meetingId');
    res.json({ meeting: await meetings.get(user(req), meetingId), capabilities: await meetings.capabilities(user(req), meetingId) });
  });
  r.patch('/meetings/:meetingId', async (req, res) => {
    res.json({ meeting: await meetings.update(user(req), id(req, 'meetingId'), body(req)) });
  });
  r.post('/meetings/:meetingId/transitions', async (req, res) => {
    res.json({ meeting: await meetings.transition(user(req), id(req, 'meetingId'), body(req)) });
  });
  r.get('/meetings/:meetingId/state', async (req, res) => {
    res.json({ state: await meetings.state(user(req), id(req, 'meetingId')) });
  });
  r.get('/meetings/:meetingId/events', async (req, res) => {
    res.json({ events: await meetings.events(user(req), id(req, 'meetingId')) });
  });
  r.get('/meetings/:meetingId/convocation.ics', async (req, res) => {
    const state = await meetings.state(user(req), id(req, 'meetingId'));
    const accepted = state.agenda.filter((i) => i.status === 'accepted' && !i.parentId);
    const ics = meetingToIcs({
      id: state.meeting.id,
      title: state.meeting.title,
      bodyName: state.meeting.bodyName,
      startsAt: state.meeting.startsAt,
      durationMinutes: state.agenda.filter((i) => i.status === 'accepted').reduce((s, i) => s + i.plannedMinutes, 0),
      place: state.meeting.place,
      videoUrl: state.meeting.videoUrl,
      agenda: accepted.map((i) => i.title),
      url: `${baseUrlOf(req)}/m/${state.meeting.id}`,
      status: state.meeting.status
    });
    res.type('text/calendar; charset=utf-8').attachment(`convocation-${state.meeting.startsAt.slice(0, 10)}.ics`).send(ics);
  });

  r.get('/meetings/:meetingId/agenda.pdf', async (req, res) => {
    const state = await meetings.state(user(req), id(req, 'meetingId'));
    const pdf = await agendaPdf(state, localeOf(req));
    res.type('application/pdf').attachment(`ordre-du-jour-${state.meeting.startsAt.slice(0, 10)}.pdf`).send(pdf);
  });

  r.post('/meetings/:meetingId/agenda', async (req, res) => {
    res.status(201).json({ item: await meetings.addItem(user(req), id(req, 'meetingId'), body(req)) });
  });
  r.patch('/agenda-items/:itemId', async (req, res) => {
    res.json({ item: await meetings.updateItem(user(req), id(req, 'itemId'), body(req)) });
  });
  r.post('/agenda-items/:itemId/move', async (req, res) => {
    res.json({ item: await meetings.moveItem(user(req), id(req, 'itemId'), body(req)) });
  });
  r.post('/agenda-items/:itemId/decision', async (req, res) => {
    res.json({ item: await meetings.decideProposal(user(req), id(req, 'itemId'), body(req)) });
  });
  r.delete('/agenda-items/:itemId', async (req, res) => {
    await meetings.removeItem(user(req), id(req, 'itemId'));
    res.status(204).end();
  });

  // A file is sent as the raw body with its own Content-Type and `?filename=`; a cross-site HTML
  // form cannot send these types, so the cookie needs no other guard here.
  r.post(
    '/agenda-items/:itemId/attachments',
    express.raw({ type: [...ATTACHMENT_TYPES], limit: MAX_ATTACHMENT_BYTES + 1 }),
    async (req, res) => {
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const attachment = await meetings.addAttachment(user(req), id(req, 'itemId'), {
        filename: String(req.query.filename ?? ''),
        mimeType: String(req.headers['content-type'] ?? '').split(';')[0].trim(),
        data
      });
      res.status(201).json({ attachment });
    }
  );
  r.get('/attachments/:attachmentId', async (req, res) => {
    const a = await meetings.getAttachment(user(req), id(req, 'attachmentId'));
    res.setHeader('content-type', a.mimeType);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(a.filename)}`);
    res.send(a.data);
  });
  r.delete('/attachments/:attachmentId', async (req, res) => {
    await meetings.removeAttachment(user(req), id(req, 'attachmentId'));
    res.status(204).end();
  });

  r.put('/meetings/:meetingId/attendance', async (req, res) => {
    await meetings.setAttendance(user(req), id(req, 'meetingId'), body(req));
    res.json({ ok: true });
  });
  r.post('/meetings/:meetingId/departures', async (req, res) => {
    await meetings.depart(user(req), id(req, 'meetingId'), body(req));
    res.json({ ok: true });
  });
  r.post('/meetings/:meetingId/current-item', async (req, res) => {
    await meetings.setCurrentItem(user(req), id(req, 'meetingId'), body(req));
    res.json({ ok: true });
  });
  r.post('/meetings/:meetingId/queue/open', async (req, res) => {
    await meetings.setQueueOpen(user(req), id(req, 'meetingId'), body(req));
    res.json({ ok: true });
  });
  r.post('/meetings/:meetingId/queue/requests', async (req, res) => {
    await meetings.requestFloor(user(req), id(req, 'meetingId'), body(req));
    res.status(201).json({ ok: true });
  });
  r.post('/meetings/:meetingId/queue/withdraw', async (req, res) => {
    await meetings.withdrawFloor(user(req), id(req, 'meetingId'), body(req));
    res.json({ ok: true });
  });
  r.post('/meetings/:meetingId/queue/grant', async (req, res) => {
    await meetings.grantFloor(user(req), id(req, 'meetingId'), body(req));
    res.json({ ok: true });
  });
  r.post('/meetings/:meetingId/queue/end', async (req, res) => {
    await meetings.endFloor(user(req), id(req, 'meetingId'));
    res.json({ ok: true });
  });

  r.get('/organisations/:orgId/notifications', async (req, res) => {
    res.json({ notifications: await meetings.notifications(user(req), id(req, 'orgId')) });
  });
  r.post('/organisations/:orgId/notifications/read', async (req, res) => {
    await meetings.markNotificationsRead(user(req), id(req, 'orgId'));
    res.json({ ok: true });
  });
}
