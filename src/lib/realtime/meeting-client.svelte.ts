import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, MeetingCapabilities, MeetingState, ServerToClientEvents } from '$lib/protocol/events';
import { applyMeetingPatch, type MeetingPatch } from '$lib/protocol/meeting-patch';
import type { Ack, ApiError, ErrorCode } from '$lib/protocol/result';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

export type MeetingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type MeetingConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'unavailable';
export type AttendanceStatus = 'present_room' | 'present_remote' | 'excused' | 'absent' | 'represented';

/** A refused or failed action, with the server's words in the page's language. */
export class MeetingActionError extends Error {
  constructor(
    readonly code: ErrorCode | 'offline' | 'timeout',
    message: string,
    readonly fields: Record<string, string> = {}
  ) {
    super(message);
    this.name = 'MeetingActionError';
  }
}

/** The server answers in the user's language and always adds the English text. */
function errorFrom(e: ApiError): MeetingActionError {
  const message = getLocale() === 'en' ? (e.messageEn ?? e.message) : e.message;
  return new MeetingActionError(e.code, message, e.fields ?? {});
}

const ACK_TIMEOUT_MS = 10_000;

/**
 * One meeting's live state over Socket.IO, for the preparation page, the console, the phone
 * view and the projector.
 *
 * The server forgets a connection's rooms when it drops, so `meeting:join` is sent on every
 * `connect` (the first and each reconnection) and its answer is the full current state: a
 * phone that comes back sees exactly where the meeting is. After that the server sends
 * patches (`meeting:patch`, the sections a change touched); a state is only replaced by a
 * newer `rev`, patches that arrive while a join is under way wait for its answer, and a gap in
 * the revs (a lost message) asks for the full state again.
 *
 * @example
 * const client = new MeetingClient(meetingId, data.state);
 * client.start();
 * await client.requestFloor();          // rejects with a MeetingActionError in words
 * client.stop();
 */
export class MeetingClient {
  state = $state<MeetingState | null>(null);
  capabilities = $state<MeetingCapabilities | null>(null);
  /** The socket is connected and the meeting joined: what is shown is live. */
  connected = $state(false);
  status = $state<MeetingConnectionStatus>('connecting');
  /** Why the meeting cannot be followed live (the join was refused), in words. */
  error = $state<string | null>(null);
  /** Server clock minus local clock, in ms: timers tick from the server's time, not the phone's. */
  serverOffset = $state(0);
  /**
   * The server time at which the queue section was last read: its speaking times run up to
   * then (a later patch of another section moves `state.serverTime`, not them).
   */
  queueAt = $state<string | null>(null);

  #socket: MeetingSocket | null = null;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** A `meeting:join` is waiting for its answer: patches are kept until it comes. */
  #joining = false;
  #held: MeetingPatch[] = [];
  /** Features riding on this connection (votes): told of each successful join, the first and every reconnection. */
  #joinedHooks = new Set<(socket: MeetingSocket) => void>();
  #onVisible = () => {
    // A phone that slept may have a dead socket that has not noticed yet; wake it up.
    if (document.visibilityState === 'visible' && this.#socket && !this.#socket.connected) this.#socket.connect();
  };

  constructor(
    readonly meetingId: string,
    initial: MeetingState | null = null
  ) {
    if (initial) this.accept(initial);
  }

  /** Takes a whole state if it is at least as new as the one held; returns whether it was taken. */
  accept(next: MeetingState): boolean {
    if (next.meeting.id !== this.meetingId) return false;
    if (this.state && next.rev < this.state.rev) return false;
    this.state = next;
    this.queueAt = next.serverTime;
    this.#clock(next.serverTime);
    return true;
  }

  /** Applies a broadcast patch; a gap in the revs asks for the whole state again. */
  applyPatch(patch: MeetingPatch): void {
    if (patch.meetingId !== this.meetingId) return;
    if (this.#joining || !this.state) {
      this.#held.push(patch);
      return;
    }
    const next = applyMeetingPatch(this.state, patch);
    if (next === 'resync') {
      if (this.#socket?.connected) this.#join(this.#socket);
    } else if (next !== this.state) {
      this.state = next;
      if (patch.changes.queue) this.queueAt = patch.serverTime;
      this.#clock(patch.serverTime);
    }
  }

  #clock(serverTimeIso: string): void {
    const serverTime = Date.parse(serverTimeIso);
    if (!Number.isNaN(serverTime)) this.serverOffset = serverTime - Date.now();
  }

  /** Calls `hook` with the socket after each successful 'meeting:join' (now, if already joined); returns the unsubscribe. */
  onJoined(hook: (socket: MeetingSocket) => void): () => void {
    this.#joinedHooks.add(hook);
    if (this.connected && this.#socket) hook(this.#socket);
    return () => this.#joinedHooks.delete(hook);
  }

  start(): void {
    if (this.#socket) return;
    // Its own connection: leaving the page closes it without touching other live features.
    const socket: MeetingSocket = io({ path: '/socket.io/', withCredentials: true, forceNew: true });
    this.#socket = socket;
    socket.on('connect', () => this.#join(socket));
    socket.on('meeting:patch', (patch) => {
      if (socket === this.#socket) this.applyPatch(patch);
    });
    socket.on('disconnect', (reason) => {
      this.connected = false;
      // The answer to a join sent on this connection will not come; the next connect joins again.
      this.#joining = false;
      this.#held = [];
      if (socket.active) {
        this.status = 'reconnecting';
      } else if (reason === 'io server disconnect') {
        // The server closed us (usually a restart): Socket.IO does not retry that on its own.
        this.status = 'reconnecting';
        this.#retry = setTimeout(() => socket.connect(), 2_000);
      } else {
        this.status = 'unavailable';
      }
    });
    socket.on('connect_error', () => {
      this.connected = false;
      // Not active: the server refused the handshake (no valid session); retrying will not help.
      this.status = socket.active ? 'reconnecting' : 'unavailable';
    });
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.#onVisible);
  }

  stop(): void {
    const socket = this.#socket;
    this.#socket = null;
    clearTimeout(this.#retry);
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.#onVisible);
    if (!socket) return;
    socket.removeAllListeners();
    socket.disconnect();
    this.connected = false;
    this.status = 'connecting';
  }

  #join(socket: MeetingSocket): void {
    if (this.#joining) return;
    this.#joining = true;
    socket.timeout(ACK_TIMEOUT_MS).emit('meeting:join', { meetingId: this.meetingId }, (err, res) => {
      if (socket !== this.#socket) return;
      this.#joining = false;
      if (err) {
        // No answer in time: ask again while the connection is up (a new one rejoins by itself).
        this.status = 'reconnecting';
        if (socket.connected) this.#join(socket);
        return;
      }
      if (res.ok) {
        this.accept(res.data.state);
        this.capabilities = res.data.capabilities;
        this.error = null;
        this.connected = true;
        this.status = 'live';
        // Patches that came while waiting: those newer than the answer apply on top of it.
        const held = this.#held.sort((a, b) => a.rev - b.rev);
        this.#held = [];
        for (const patch of held) this.applyPatch(patch);
        for (const hook of this.#joinedHooks) hook(socket);
      } else {
        this.#held = [];
        this.error = errorFrom(res.error).message;
        this.status = 'unavailable';
      }
    });
  }

  /** Sends one event and turns its acknowledgement into a promise. */
  #call<R = null>(event: keyof ClientToServerEvents, payload: object): Promise<R> {
    const socket = this.#socket;
    if (!socket || !socket.connected) return Promise.reject(new MeetingActionError('offline', m.meet_error_offline()));
    const emitter = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
      emit(ev: string, payload: object, ack: (err: Error | null, res: Ack<R>) => void): void;
    };
    return new Promise<R>((resolve, reject) => {
      emitter.emit(event, payload, (err, res) => {
        if (err) reject(new MeetingActionError('timeout', m.meet_error_timeout()));
        else if (res.ok) resolve(res.data);
        else reject(errorFrom(res.error));
      });
    });
  }

  // Meeting --------------------------------------------------------------------------------
  transition(to: 'draft' | 'convened' | 'live' | 'closed') {
    return this.#call('meeting:transition', { meetingId: this.meetingId, to });
  }
  setAttendance(personId: string, status: AttendanceStatus, opts: { proxyHolderId?: string | null; checkinCode?: string } = {}) {
    return this.#call('meeting:attendance', { meetingId: this.meetingId, personId, status, ...opts });
  }
  depart(personId: string) {
    return this.#call('meeting:depart', { meetingId: this.meetingId, personId });
  }
  setCurrentItem(itemId: string | null) {
    return this.#call('meeting:current-item', { meetingId: this.meetingId, itemId });
  }

  // Agenda ---------------------------------------------------------------------------------
  addItem(item: { title: string; kind?: string; presenter?: string; plannedMinutes?: number; description?: string; parentId?: string | null; afterId?: string | null }) {
    return this.#call<{ itemId: string }>('agenda:add', { meetingId: this.meetingId, ...item });
  }
  updateItem(itemId: string, patch: { baseVersion?: number; title?: string; kind?: string; presenter?: string; plannedMinutes?: number; description?: string; notes?: string }) {
    return this.#call('agenda:update', { itemId, ...patch });
  }
  moveItem(itemId: string, afterId: string | null, parentId?: string | null) {
    return this.#call('agenda:move', parentId === undefined ? { itemId, afterId } : { itemId, afterId, parentId });
  }
  removeItem(itemId: string) {
    return this.#call('agenda:remove', { itemId });
  }
  decideProposal(itemId: string, accept: boolean, reason = '') {
    return this.#call('agenda:decide', { itemId, accept, reason });
  }

  // Speaking queue -------------------------------------------------------------------------
  openQueue(open: boolean) {
    return this.#call('queue:open', { meetingId: this.meetingId, open });
  }
  /** Without `personId`: the asker themselves, from their device. */
  requestFloor(personId?: string, source: 'room' | 'remote' = 'remote') {
    return this.#call('queue:request', personId ? { meetingId: this.meetingId, personId, source } : { meetingId: this.meetingId, source });
  }
  withdrawFloor(requestId: string) {
    return this.#call('queue:withdraw', { meetingId: this.meetingId, requestId });
  }
  grantFloor(requestId: string) {
    return this.#call('queue:grant', { meetingId: this.meetingId, requestId });
  }
  endFloor() {
    return this.#call('queue:end', { meetingId: this.meetingId });
  }
}
