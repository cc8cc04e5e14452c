import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, PresentPerson, ServerToClientEvents } from '$lib/protocol/events';

export type PresenceStatus = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

/**
 * Who else has a room's page open, kept live over Socket.IO.
 *
 * The server forgets a connection's rooms when it drops, so the room is joined again on every
 * `connect` (the first one and each reconnection), not once.
 *
 * @example
 * const presence = new RoomPresence(`body:${bodyId}`);
 * presence.start();
 * // … presence.people, presence.status …
 * presence.stop();
 */
export class RoomPresence {
  people = $state<PresentPerson[]>([]);
  status = $state<PresenceStatus>('connecting');

  #socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly room: string) {}

  start(): void {
    if (this.#socket) return;
    // Its own connection: leaving the page closes it without touching other live features.
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ path: '/socket.io/', withCredentials: true, forceNew: true });
    this.#socket = socket;

    socket.on('connect', () => this.#join(socket));
    socket.on('presence:changed', (state) => {
      if (state.room === this.room) this.people = state.present;
    });
    socket.on('disconnect', (reason) => {
      if (socket.active) {
        this.status = 'reconnecting';
      } else if (reason === 'io server disconnect') {
        // The server closed us, usually because it is restarting: Socket.IO does not retry
        // that on its own. If the session is no longer valid, the handshake says so
        // (connect_error below) and we stop there.
        this.status = 'reconnecting';
        this.#retry = setTimeout(() => socket.connect(), 2_000);
      } else {
        this.status = 'unavailable';
      }
    });
    socket.on('connect_error', () => {
      // Not active: the server refused the handshake (no valid session); retrying will not help.
      this.status = socket.active ? 'reconnecting' : 'unavailable';
    });
  }

  #join(socket: Socket<ServerToClientEvents, ClientToServerEvents>): void {
    socket.timeout(10_000).emit('presence:join', { room: this.room }, (err, res) => {
      if (socket !== this.#socket) return;
      if (err) {
        // No answer in time: ask again while the connection is up (a new one rejoins by itself).
        this.status = 'reconnecting';
        if (socket.connected) this.#join(socket);
        return;
      }
      if (res.ok) {
        this.people = res.data.present;
        this.status = 'live';
      } else {
        this.status = 'unavailable';
      }
    });
  }

  stop(): void {
    const socket = this.#socket;
    this.#socket = null;
    clearTimeout(this.#retry);
    if (!socket) return;
    socket.removeAllListeners();
    // Disconnecting is enough: the server updates the room's presence when the socket leaves.
    socket.disconnect();
    this.people = [];
    this.status = 'connecting';
  }
}
