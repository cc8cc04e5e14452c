import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { z } from 'zod';
import type {
  ClientToServerEvents,
  InterServerEvents,
  PresenceState,
  PresentPerson,
  ServerToClientEvents,
  SocketData
} from '../../src/lib/protocol/events.ts';
import type { Ack } from '../../src/lib/protocol/result.ts';
import { CloseCodes } from '../../src/lib/protocol/close-codes.ts';
import { policy } from '../auth/policy.ts';
import type { Services } from '../services.ts';
import { AppError, Errors, bi, toApiError } from '../shared/app-error.ts';
import { validate } from '../shared/validate.ts';
import { broadcastMeetingChanges, registerMeetingHandlers } from '../meetings/meetings.handlers.ts';
import { broadcastHarvestChanges, registerHarvestHandlers } from '../harvest/harvest.handlers.ts';
import { attachVoteRealtime } from '../votes/votes.handlers.ts';
import { askerOf, broadcastWorkshopChanges, registerWorkshopHandlers } from '../workshops/workshops.handlers.ts';

export type ConcertoIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const roomSchema = z.object({
  room: z.string().regex(/^(body|meeting|workshop):[0-9a-f-]{36}$/, 'room')
});

/**
 * Socket.IO for live meeting state. Every connection is authenticated from the same session
 * cookie (or bearer token, or guest cookie) as the pages; every event checks the policy.
 * Broadcasts go through rooms only, so the Redis adapter can carry them between instances.
 */
export function createSocketServer(httpServer: HttpServer, services: Services): ConcertoIo {
  const io: ConcertoIo = new Server(httpServer, {
    path: '/socket.io/',
    serveClient: false,
    // Upgrades are routed by hand (STACK.md trap 1): otherwise Socket.IO closes /yjs/ upgrades after 1 s.
    destroyUpgrade: false,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 },
    cors: services.config.origin ? { origin: services.config.origin, credentials: true } : undefined
  });

  io.use(async (socket, next) => {
    try {
      const id = await services.authenticator.identify(socket.request);
      if (id.user) {
        socket.data.principal = { id: id.user.id, name: id.user.displayName, kind: 'user', isPlatformAdmin: id.user.isPlatformAdmin, locale: id.user.locale };
      } else if (id.guest) {
        socket.data.principal = { id: id.guest.id, name: id.guest.displayName, kind: 'guest', locale: 'fr' };
        socket.data.guestTarget = { kind: id.guest.targetKind, id: id.guest.targetId, organisationId: id.guest.organisationId };
      } else {
        const err = new Error(CloseCodes.unauthorised.reason) as Error & { data: unknown };
        err.data = { ...toApiError(Errors.unauthorised(), 'fr'), closeCode: CloseCodes.unauthorised.code };
        return next(err);
      }
      next();
    } catch (err) {
      services.logger.error({ err }, 'socket auth failed');
      next(new Error('internal'));
    }
  });

  const presenceOf = async (room: string): Promise<PresenceState> => {
    const sockets = await io.in(room).fetchSockets();
    const seen = new Map<string, PresentPerson>();
    for (const s of sockets) {
      const p = s.data.principal;
      if (p && !seen.has(p.id)) seen.set(p.id, { id: p.id, name: p.name, kind: p.kind });
    }
    return { room, present: [...seen.values()].sort((a, b) => a.name.localeCompare(b.name, 'fr')) };
  };

  const mayJoin = async (data: SocketData, room: string): Promise<boolean> => {
    const [kind, id] = room.split(':');
    // Guests (workshop participants without an account) never see a council meeting.
    if (data.principal.kind === 'guest') return kind !== 'meeting' && data.guestTarget?.kind === kind && data.guestTarget.id === id;
    if (kind === 'body') {
      const orgId = await services.access.organisationOfBody(id);
      if (!orgId) return false;
      const user = { id: data.principal.id, email: '', displayName: data.principal.name, locale: data.principal.locale, isPlatformAdmin: !!data.principal.isPlatformAdmin };
      return policy.viewBody(await services.access.forOrganisation(user, orgId));
    }
    // A meeting's room is joined through 'meeting:join' (which sends its state); presence there is
    // for the same people.
    if (kind === 'meeting') {
      const user = { id: data.principal.id, email: '', displayName: data.principal.name, locale: data.principal.locale, isPlatformAdmin: !!data.principal.isPlatformAdmin };
      return services.meetings.canView(user, id);
    }
    // A workshop's presence room: the same people as its state (guests only their own workshop).
    if (kind === 'workshop') return services.workshops.canView(askerOf(data), id);
    return false;
  };

  const fail = <T>(ack: (res: Ack<T>) => void, err: unknown, locale: 'fr' | 'en') => {
    if (!(err instanceof AppError)) services.logger.error({ err }, 'socket handler failed');
    ack({ ok: false, error: toApiError(err, locale) });
  };

  broadcastMeetingChanges(io, services);
  broadcastHarvestChanges(io, services);
  broadcastWorkshopChanges(io, services);
  attachVoteRealtime(io, services);

  io.on('connection', (socket) => {
    const locale = socket.data.principal.locale;
    registerMeetingHandlers(socket, services);
    registerHarvestHandlers(socket, services);
    registerWorkshopHandlers(socket, services);

    socket.on('session:whoami', (ack) => {
      if (typeof ack !== 'function') return;
      const { id, name, kind } = socket.data.principal;
      ack({ ok: true, data: { id, name, kind } });
    });

    socket.on('presence:join', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        const { room } = validate(roomSchema, payload);
        if (!(await mayJoin(socket.data, room))) throw Errors.forbidden();
        await socket.join(room);
        const state = await presenceOf(room);
        io.to(room).emit('presence:changed', state);
        ack({ ok: true, data: state });
      } catch (err) {
        fail(ack, err, locale);
      }
    });

    socket.on('presence:leave', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        const { room } = validate(roomSchema, payload);
        await socket.leave(room);
        io.to(room).emit('presence:changed', await presenceOf(room));
        ack({ ok: true, data: null });
      } catch (err) {
        fail(ack, err, locale);
      }
    });

    socket.on('disconnecting', () => {
      const rooms = [...socket.rooms].filter((r) => r !== socket.id);
      // After the socket has left: the presence then excludes it.
      setImmediate(async () => {
        for (const room of rooms) {
          try {
            io.to(room).emit('presence:changed', await presenceOf(room));
          } catch (err) {
            services.logger.warn({ err, room }, 'presence update failed');
          }
        }
      });
    });
  });

  return io;
}

