import type { Socket } from 'socket.io';
import { z } from 'zod';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../src/lib/protocol/events.ts';
import type { Ack } from '../../src/lib/protocol/result.ts';
import type { ConcertoIo } from '../realtime/socket-server.ts';
import type { Services } from '../services.ts';
import { AppError, toApiError } from '../shared/app-error.ts';
import { fields, validate } from '../shared/validate.ts';
import type { HarvestActor, HarvestService } from './harvest.service.ts';

type ConcertoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type WithHarvest = Services & { harvest: HarvestService };

const workshopIdSchema = z.object({ workshopId: fields.uuid() }).loose();
const ideaIdSchema = z.object({ ideaId: fields.uuid() }).loose();
const themeIdSchema = z.object({ themeId: fields.uuid() }).loose();

/** Everyone on a workshop's harvest board; a voter's own devices share a second room. */
export const harvestRoom = (workshopId: string) => `harvest:${workshopId}`;
export const harvestVoterRoom = (workshopId: string, voterKey: string) => `harvest-voter:${workshopId}:${voterKey}`;

/** The connection's identity as the harvest service takes it (a member or a workshop guest). */
export function harvestActorOfSocket(data: SocketData): HarvestActor {
  const p = data.principal;
  if (p.kind === 'guest') {
    const t = data.guestTarget;
    return {
      kind: 'guest',
      guest: { id: p.id, displayName: p.name, targetKind: (t?.kind ?? 'body') as 'workshop' | 'meeting' | 'body', targetId: t?.id ?? '', organisationId: t?.organisationId ?? '' }
    };
  }
  return { kind: 'user', user: { id: p.id, email: '', displayName: p.name, locale: p.locale, isPlatformAdmin: !!p.isPlatformAdmin } };
}

/**
 * After each committed change, sends the new board to the workshop's room (read after the commit;
 * one read at a time per workshop, and a burst of changes costs one more read, not one each),
 * and the voter's own dots to their other devices.
 */
export function broadcastHarvestChanges(io: ConcertoIo, services: WithHarvest): () => void {
  const running = new Set<string>();
  const again = new Set<string>();
  const run = async (workshopId: string) => {
    running.add(workshopId);
    try {
      do {
        again.delete(workshopId);
        try {
          io.to(harvestRoom(workshopId)).emit('harvest:state', await services.harvest.snapshot(workshopId));
        } catch (err) {
          services.logger.error({ err, workshopId }, 'harvest broadcast failed');
        }
      } while (again.has(workshopId));
    } finally {
      running.delete(workshopId);
    }
  };
  return services.harvest.onChange(({ workshopId, voter }) => {
    if (running.has(workshopId)) again.add(workshopId);
    else void run(workshopId);
    if (voter) io.to(harvestVoterRoom(workshopId, voter.key)).emit('harvest:mine', voter.mine);
  });
}

/** Harvest events on one connection: each is authorised by the harvest service and validated. */
export function registerHarvestHandlers(socket: ConcertoSocket, services: WithHarvest): void {
  const { harvest } = services;
  const locale = socket.data.principal.locale;
  const actor = () => harvestActorOfSocket(socket.data);

  function on<R>(event: keyof ClientToServerEvents, handler: (payload: Record<string, unknown>) => Promise<R>) {
    (socket.on as (ev: string, fn: (payload: unknown, ack: (res: Ack<R>) => void) => void) => void)(event, async (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        const p = payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
        ack({ ok: true, data: await handler(p) });
      } catch (err) {
        if (!(err instanceof AppError)) services.logger.error({ err, event }, 'harvest handler failed');
        ack({ ok: false, error: toApiError(err, locale) });
      }
    });
  }
  const workshopIdOf = (p: unknown) => validate(workshopIdSchema, p).workshopId;
  const ideaIdOf = (p: unknown) => validate(ideaIdSchema, p).ideaId;
  const themeIdOf = (p: unknown) => validate(themeIdSchema, p).themeId;
  const strip = (p: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(Object.entries(p).filter(([k]) => !keys.includes(k)));

  on('harvest:join', async (p) => {
    const workshopId = workshopIdOf(p);
    // Check first, join the rooms, then read: a change committed in between is in this state or broadcast after it.
    const ctx = await harvest.context(actor(), workshopId);
    await socket.join([harvestRoom(workshopId), harvestVoterRoom(workshopId, ctx.voterKey)]);
    const { voterKey: _k, ...joined } = await harvest.join(actor(), workshopId);
    return joined;
  });
  on('harvest:leave', async (p) => {
    const workshopId = workshopIdOf(p);
    for (const room of [...socket.rooms]) if (room === harvestRoom(workshopId) || room.startsWith(`harvest-voter:${workshopId}:`)) await socket.leave(room);
    return null;
  });
  on('harvest:gather', async (p) => harvest.gather(actor(), workshopIdOf(p)));
  on('harvest:settings', async (p) => {
    await harvest.updateSettings(actor(), workshopIdOf(p), strip(p, 'workshopId'));
    return null;
  });
  on('harvest:phase', async (p) => {
    await harvest.setPhase(actor(), workshopIdOf(p), strip(p, 'workshopId'));
    return null;
  });
  on('harvest:theme-create', async (p) => ({ themeId: (await harvest.createTheme(actor(), workshopIdOf(p), strip(p, 'workshopId'))).id }));
  on('harvest:theme-rename', async (p) => {
    await harvest.renameTheme(actor(), themeIdOf(p), strip(p, 'themeId'));
    return null;
  });
  on('harvest:theme-remove', async (p) => {
    await harvest.removeTheme(actor(), themeIdOf(p));
    return null;
  });
  on('harvest:move', async (p) => {
    await harvest.moveIdea(actor(), ideaIdOf(p), strip(p, 'ideaId'));
    return null;
  });
  on('harvest:dot', async (p) => harvest.placeDot(actor(), ideaIdOf(p)));
  on('harvest:undot', async (p) => harvest.removeDot(actor(), ideaIdOf(p)));
  on('harvest:to-action', async (p) => harvest.toAction(actor(), ideaIdOf(p), strip(p, 'ideaId')));
}
