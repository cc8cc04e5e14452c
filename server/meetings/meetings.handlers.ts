import type { Socket } from 'socket.io';
import { z } from 'zod';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../src/lib/protocol/events.ts';
import type { Ack } from '../../src/lib/protocol/result.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { ConcertoIo } from '../realtime/socket-server.ts';
import type { MeetingPatch } from '../../src/lib/protocol/meeting-patch.ts';
import type { MeetingChange, MeetingSectionsRead } from './meetings.service.ts';
import type { Services } from '../services.ts';
import { AppError, Errors, toApiError } from '../shared/app-error.ts';
import { fields, validate } from '../shared/validate.ts';

type ConcertoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const meetingIdSchema = z.object({ meetingId: fields.uuid() }).loose();
const itemIdSchema = z.object({ itemId: fields.uuid() }).loose();
// The state room is not the presence room `meeting:<id>`: presence may be open to more people
// (guests of a workshop) than the meeting's state.
export const meetingRoom = (meetingId: string) => `meeting-state:${meetingId}`;

/**
 * After each committed change, broadcasts to the meeting's room a patch with the sections the
 * change touched (read inside the change's transaction, or after the commit if that failed). Per meeting, patches go out one at a time in commit
 * order; changes that pile up while one is being built are merged when their revs follow each
 * other, so a burst costs few reads and a client never sees a hole it cannot detect.
 */
export function broadcastMeetingChanges(io: ConcertoIo, services: Services): () => void {
  const pending = new Map<string, MeetingChange[]>();
  const running = new Set<string>();

  const run = async (meetingId: string) => {
    running.add(meetingId);
    try {
      for (let queue = pending.get(meetingId); queue && queue.length; queue = pending.get(meetingId)) {
        const first = queue.shift()!;
        let merged = { ...first, sections: new Set(first.sections) };
        // Each section is sent whole, so the parts read at successive revs merge by taking the later.
        let read = first.parts ? { ...first.parts } : undefined;
        while (queue.length && queue[0].fromRev === merged.rev) {
          const next = queue.shift()!;
          merged = { ...merged, rev: next.rev, sections: new Set([...merged.sections, ...next.sections]) };
          read = read && next.parts ? mergeReads(read, next.parts) : undefined;
        }
        try {
          const parts = read ?? (await services.meetings.sections(meetingId, [...merged.sections]));
          const { rev: _readRev, serverTime, ...changes } = parts;
          const patch: MeetingPatch = { meetingId, fromRev: merged.fromRev, rev: merged.rev, serverTime, changes };
          io.to(meetingRoom(meetingId)).emit('meeting:patch', patch);
        } catch (err) {
          services.logger.error({ err, meetingId }, 'meeting broadcast failed');
        }
      }
    } finally {
      running.delete(meetingId);
      pending.delete(meetingId);
    }
  };

  return services.meetings.onChange((change) => {
    const queue = pending.get(change.meetingId) ?? [];
    queue.push(change);
    pending.set(change.meetingId, queue);
    if (!running.has(change.meetingId)) void run(change.meetingId);
  });
}

/**
 * The later read wins section by section; the parts of a section read later (the room, the time
 * spent on some items) go into the whole section read earlier, or add to the earlier parts.
 */
export function mergeReads(earlier: MeetingSectionsRead, later: MeetingSectionsRead): MeetingSectionsRead {
  const { spent, room, ...rest } = later;
  const out: MeetingSectionsRead = { ...earlier, ...rest };
  if (later.meeting) delete out.room;
  else if (room && out.meeting) out.meeting = { ...out.meeting, ...room };
  else if (room) out.room = { ...out.room, ...room };
  if (later.agenda) delete out.spent;
  else if (spent && out.agenda) out.agenda = out.agenda.map((i) => (i.id in spent ? { ...i, spentSeconds: spent[i.id] } : i));
  else if (spent) out.spent = { ...out.spent, ...spent };
  return out;
}

/** Meeting events on one connection: each is authorised by the meeting service and validated. */
export function registerMeetingHandlers(socket: ConcertoSocket, services: Services): void {
  const { meetings } = services;
  const principal = socket.data.principal;
  const locale = principal.locale;
  const actor = (): AuthUser => {
    if (principal.kind !== 'user') throw Errors.forbidden();
    return { id: principal.id, email: '', displayName: principal.name, locale, isPlatformAdmin: !!principal.isPlatformAdmin };
  };

  function on<P, R>(event: keyof ClientToServerEvents, handler: (payload: P) => Promise<R>) {
    (socket.on as (ev: string, fn: (payload: P, ack: (res: Ack<R>) => void) => void) => void)(event, async (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        ack({ ok: true, data: await handler(payload) });
      } catch (err) {
        if (!(err instanceof AppError)) services.logger.error({ err, event }, 'meeting handler failed');
        ack({ ok: false, error: toApiError(err, locale) });
      }
    });
  }
  const meetingIdOf = (payload: unknown) => validate(meetingIdSchema, payload).meetingId;
  const itemIdOf = (payload: unknown) => validate(itemIdSchema, payload).itemId;
  const strip = <T extends object>(payload: T, ...keys: string[]) =>
    Object.fromEntries(Object.entries(payload ?? {}).filter(([k]) => !keys.includes(k)));

  on('meeting:join', async (payload: unknown) => {
    const meetingId = meetingIdOf(payload);
    const capabilities = await meetings.capabilities(actor(), meetingId);
    await socket.join(meetingRoom(meetingId));
    // Read after joining: a change committed in between is then either in this state or broadcast after it.
    return { state: await meetings.snapshot(meetingId), capabilities };
  });
  on('meeting:leave', async (payload: unknown) => {
    await socket.leave(meetingRoom(meetingIdOf(payload)));
    return null;
  });
  on('meeting:transition', async (p: object) => {
    await meetings.transition(actor(), meetingIdOf(p), strip(p, 'meetingId'));
    return null;
  });
  on('meeting:attendance', async (p: object) => {
    await meetings.setAttendance(actor(), meetingIdOf(p), strip(p, 'meetingId'));
    return null;
  });
  on('meeting:depart', async (p: object) => {
    await meetings.depart(actor(), meetingIdOf(p), strip(p, 'meetingId'));
    return null;
  });
  on('meeting:current-item', async (p: object) => {
    await meetings.setCurrentItem(actor(), meetingIdOf(p), strip(p, 'meetingId'));
    return null;
  });
  on('agenda:add', async (p: object) => {
    const item = await meetings.addItem(actor(), meetingIdOf(p), strip(p, 'meetingId'));
    return { itemId: item.id };
  });
  on('agenda:update', async (p: object) => {
    await meetings.updateItem(actor(), itemIdOf(p), strip(p, 'itemId'));
    return null;
  });
  on('agenda:move', async (p: object) => {
    await meetings.moveItem(actor(), itemIdOf(p), strip(p, 'itemId'));
    return null;
  });
  on('agenda:remove', async (p: object) => {
    await meetings.removeItem(actor(), itemIdOf(p));
    return null;
  });
  on('agenda:decide', async (p: object) => {
    await meetings.decideProposal(actor(), itemIdOf(p), strip(p, 'itemId'));
    return null;
  });
  on('queue:open', async (p: object) => {
    await meetings.setQueueOpen(actor(), meetingIdOf(p), strip(p, 'meetingId'));
    return null;
  });
  on('queue:request', async (p: object) => {
    await meetings.requestFloor(actor(), meetingIdOf(p), strip(p, 'meetingId'));
    return null;
  });
  on('queue:withdraw', async (p: object) => {
    await meetings.withdrawFloor(actor(), meetingIdOf(p), strip(p, 'meetingId'));
    return null;
  });
  on('queue:grant', async (p: object) => {
    await meetings.grantFloor(actor(), meetingIdOf(p), strip(p, 'meetingId'));
    return null;
  });
  on('queue:end', async (p: object) => {
    await meetings.endFloor(actor(), meetingIdOf(p));
    return null;
  });
}
