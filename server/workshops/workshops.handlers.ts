import type { Socket } from 'socket.io';
import { z } from 'zod';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../src/lib/protocol/events.ts';
import type { Ack } from '../../src/lib/protocol/result.ts';
import type { ConcertoIo } from '../realtime/socket-server.ts';
import type { Services } from '../services.ts';
import type { Guest } from '../guests/guests.service.ts';
import { AppError, toApiError } from '../shared/app-error.ts';
import { fields, validate } from '../shared/validate.ts';
import type { WorkshopAsker } from './workshops.service.ts';

type ConcertoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const workshopIdSchema = z.object({ workshopId: fields.uuid() }).loose();
/** The state room; `workshop:<id>` is the presence room (socket-server.ts). */
export const workshopRoom = (workshopId: string) => `workshop-state:${workshopId}`;

/** Who a socket is, in the terms of the workshop service. */
export function askerOf(data: SocketData): WorkshopAsker {
  const p = data.principal;
  if (p.kind === 'user') {
    return { user: { id: p.id, email: '', displayName: p.name, locale: p.locale, isPlatformAdmin: !!p.isPlatformAdmin }, guest: null };
  }
  const t = data.guestTarget;
  const guest: Guest | null = t
    ? { id: p.id, displayName: p.name, organisationId: t.organisationId, targetKind: t.kind as Guest['targetKind'], targetId: t.id, expiresAt: '' }
    : null;
  return { user: null, guest };
}

/**
 * After each committed change, sends the workshop's full state to its room. The state is small
 * (tables, participants, the plan), so it goes whole; per workshop one read at a time, and
 * changes that arrive meanwhile are folded into the next read. Clients keep the highest rev.
 */
export function broadcastWorkshopChanges(io: ConcertoIo, services: Services): () => void {
  const running = new Set<string>();
  const dirty = new Set<string>();
  const run = async (workshopId: string) => {
    running.add(workshopId);
    try {
      while (dirty.has(workshopId)) {
        dirty.delete(workshopId);
        try {
          io.to(workshopRoom(workshopId)).emit('workshop:state', await services.workshops.snapshot(workshopId));
        } catch (err) {
          services.logger.error({ err, workshopId }, 'workshop broadcast failed');
        }
      }
    } finally {
      running.delete(workshopId);
    }
  };
  return services.workshops.onChange(({ workshopId }) => {
    dirty.add(workshopId);
    if (!running.has(workshopId)) void run(workshopId);
  });
}

/** Workshop events on one connection: each is authorised by the workshop service and validated. */
export function registerWorkshopHandlers(socket: ConcertoSocket, services: Services): void {
  const { workshops } = services;
  const locale = socket.data.principal.locale;
  const asker = () => askerOf(socket.data);

  function on<R>(event: keyof ClientToServerEvents, handler: (payload: unknown) => Promise<R>) {
    (socket.on as (ev: string, fn: (payload: unknown, ack: (res: Ack<R>) => void) => void) => void)(event, async (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        ack({ ok: true, data: await handler(payload) });
      } catch (err) {
        if (!(err instanceof AppError)) services.logger.error({ err, event }, 'workshop handler failed');
        ack({ ok: false, error: toApiError(err, locale) });
      }
    });
  }
  const idOf = (payload: unknown) => validate(workshopIdSchema, payload).workshopId;
  const rest = (payload: unknown) => Object.fromEntries(Object.entries((payload as object) ?? {}).filter(([k]) => k !== 'workshopId'));

  on('workshop:join', async (payload) => {
    const workshopId = idOf(payload);
    const who = asker();
    // Guests become participants when they open the workshop they were invited to.
    if (who.guest) await workshops.joinAsGuest(who.guest, workshopId);
    else await workshops.capabilities(who, workshopId);
    await socket.join(workshopRoom(workshopId));
    // Read after joining: a change committed in between is then in this state or broadcast after it.
    return workshops.state(who, workshopId);
  });
  on('workshop:leave', async (payload) => {
    await socket.leave(workshopRoom(idOf(payload)));
    return null;
  });
  on('workshop:control', async (payload) => {
    const who = asker();
    await workshops.control(who.user, idOf(payload), rest(payload));
    return null;
  });
  on('workshop:lock-round', async (payload) => {
    await workshops.lockRound(asker(), idOf(payload), rest(payload));
    return null;
  });
}
