import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/protocol/events';
import type { Ack, ApiError } from '$lib/protocol/result';
import { getLocale } from '$lib/paraglide/runtime';
import type { WorkshopCapabilities, WorkshopState } from './workshop-state';

type WorkshopSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type WorkshopConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

const ACK_TIMEOUT_MS = 10_000;

function messageOf(e: ApiError): string {
  return getLocale() === 'en' ? (e.messageEn ?? e.message) : e.message;
}

/**
 * One workshop's live state over Socket.IO, for the console, the projector and the phone view.
 * `workshop:join` is sent on every connect (the first and each reconnection) and answers the
 * full state, so a phone that comes back lands at the right table; after that the server sends
 * the full state after each change, and a state only replaces one with a lower `rev`.
 */
export class WorkshopClient {
  state = $state<WorkshopState | null>(null);
  capabilities = $state<WorkshopCapabilities | null>(null);
  status = $state<WorkshopConnectionStatus>('connecting');
  error = $state<string | null>(null);
  /** Server clock minus local clock (ms): the timer runs on server time. */
  serverOffset = $state(0);
  #socket: WorkshopSocket | null = null;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly workshopId: string,
    initial: WorkshopState | null = null,
    capabilities: WorkshopCapabilities | null = null
  ) {
    if (initial) this.accept(initial);
    this.capabilities = capabilities;
  }

  accept(next: WorkshopState): boolean {
    if (next.workshop.id !== this.workshopId) return false;
    if (this.state && next.rev < this.state.rev) return false;
    this.state = next;
    const t = Date.parse(next.serverTime);
    if (!Number.isNaN(t)) this.serverOffset = t - Date.now();
    return true;
  }

  start(): () => void {
    if (this.#socket) return () => this.stop();
    const socket: WorkshopSocket = io({ path: '/socket.io/', withCredentials: true, forceNew: true });
    this.#socket = socket;
    socket.on('connect', () => this.#join(socket));
    socket.on('workshop:state', (st) => {
      if (socket === this.#socket) this.accept(st);
    });
    socket.on('disconnect', (reason) => {
      if (socket.active) this.status = 'reconnecting';
      else if (reason === 'io server disconnect') {
        this.status = 'reconnecting';
        // Spread the reconnections after a server restart.
        this.#retry = setTimeout(() => socket.connect(), 1_000 + Math.random() * 3_000);
      } else this.status = 'unavailable';
    });
    socket.on('connect_error', () => {
      this.status = socket.active ? 'reconnecting' : 'unavailable';
    });
    return () => this.stop();
  }

  stop(): void {
    const socket = this.#socket;
    this.#socket = null;
    clearTimeout(this.#retry);
    if (!socket) return;
    socket.removeAllListeners();
    socket.disconnect();
    this.status = 'connecting';
  }

  #join(socket: WorkshopSocket): void {
    socket.timeout(ACK_TIMEOUT_MS).emit('workshop:join', { workshopId: this.workshopId }, (err, res) => {
      if (socket !== this.#socket) return;
      if (err) {
        this.status = 'reconnecting';
        if (socket.connected) this.#join(socket);
        return;
      }
      if (res.ok) {
        this.accept(res.data.state);
        this.capabilities = res.data.capabilities;
        this.error = null;
        this.status = 'live';
      } else {
        this.error = messageOf(res.error);
        this.status = 'unavailable';
      }
    });
  }

  #call(event: 'workshop:control' | 'workshop:lock-round', payload: object): Promise<void> {
    const socket = this.#socket;
    if (!socket?.connected) return Promise.reject(new Error(getLocale() === 'en' ? 'Not connected.' : 'Pas de connexion.'));
    return new Promise((resolve, reject) => {
      (socket.timeout(ACK_TIMEOUT_MS).emit as (e: string, p: object, cb: (err: unknown, res: Ack<null>) => void) => void)(
        event,
        { workshopId: this.workshopId, ...payload },
        (err, res) => {
          if (err) return reject(new Error(getLocale() === 'en' ? 'No answer from the server.' : 'Pas de réponse du serveur.'));
          if (res.ok) resolve();
          else reject(new Error(messageOf(res.error)));
        }
      );
    });
  }

  control(action: string, extra: { minutes?: number; text?: string } = {}): Promise<void> {
    return this.#call('workshop:control', { action, ...extra });
  }

  lockRound(tableId: string, round: number): Promise<void> {
    return this.#call('workshop:lock-round', { tableId, round });
  }
}
