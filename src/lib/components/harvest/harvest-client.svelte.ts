import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/protocol/events';
import type { HarvestCapabilities, HarvestMine, HarvestState } from '$lib/protocol/harvest-state';
import type { Ack, ApiError } from '$lib/protocol/result';
import { getLocale } from '$lib/paraglide/runtime';

type HarvestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type HarvestStatus = 'connecting' | 'live' | 'reconnecting';

/** A refused action, in the page's language, with the field it is about. */
export class HarvestActionError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly fields: Record<string, string> = {}
  ) {
    super(message);
  }
}

const errorFrom = (e: ApiError) => new HarvestActionError(getLocale() === 'en' ? (e.messageEn ?? e.message) : e.message, e.code, e.fields ?? {});

/**
 * A harvest board over Socket.IO. `harvest:join` is sent on every connect (the first and each
 * reconnection) and answers the full state; after that 'harvest:state' brings the board after
 * each change, kept only when its `rev` is newer. The page's server-rendered state is the start,
 * so the board shows (and its forms work) before the script arrives.
 */
export class HarvestClient {
  state = $state<HarvestState>() as HarvestState;
  mine = $state<HarvestMine>() as HarvestMine;
  capabilities = $state<HarvestCapabilities>() as HarvestCapabilities;
  status = $state<HarvestStatus>('connecting');
  #socket: HarvestSocket | null = null;

  constructor(
    readonly workshopId: string,
    initial: { state: HarvestState; mine: HarvestMine; capabilities: HarvestCapabilities }
  ) {
    this.state = initial.state;
    this.mine = initial.mine;
    this.capabilities = initial.capabilities;
  }

  /** Keeps a state only if it is newer than the one shown (also for states from form reloads). */
  offer(state: HarvestState): void {
    if (!this.state || state.rev >= this.state.rev) this.state = state;
  }

  start(): void {
    if (this.#socket) return;
    const socket: HarvestSocket = io({ path: '/socket.io/', withCredentials: true, forceNew: true, transports: ['websocket', 'polling'] });
    this.#socket = socket;
    socket.on('connect', () => {
      socket.emit('harvest:join', { workshopId: this.workshopId }, (res) => {
        if (!res.ok) return;
        this.offer(res.data.state);
        this.mine = res.data.mine;
        this.capabilities = res.data.capabilities;
        this.status = 'live';
      });
    });
    socket.on('disconnect', () => {
      this.status = 'reconnecting';
    });
    socket.on('harvest:state', (s) => {
      if (s.workshopId === this.workshopId) this.offer(s);
    });
    socket.on('harvest:mine', (mine) => {
      if (mine.workshopId === this.workshopId) this.mine = mine;
    });
  }

  stop(): void {
    this.#socket?.disconnect();
    this.#socket = null;
  }

  get live(): boolean {
    return this.status === 'live' && !!this.#socket?.connected;
  }

  /** Sends an event and resolves with its answer; rejects with a HarvestActionError in words. */
  call<R>(event: keyof ClientToServerEvents, payload: Record<string, unknown>): Promise<R> {
    const socket = this.#socket;
    if (!socket?.connected) return Promise.reject(new HarvestActionError('offline', 'offline'));
    return new Promise((resolve, reject) => {
      (socket.timeout(10_000).emit as unknown as (ev: string, p: unknown, cb: (err: Error | null, res: Ack<R>) => void) => void)(event, payload, (err, res) => {
        if (err) return reject(new HarvestActionError('timeout', 'timeout'));
        if (res.ok) resolve(res.data);
        else reject(errorFrom(res.error));
      });
    });
  }

  async dot(ideaId: string, add: boolean): Promise<void> {
    this.mine = await this.call<HarvestMine>(add ? 'harvest:dot' : 'harvest:undot', { ideaId });
  }
}
