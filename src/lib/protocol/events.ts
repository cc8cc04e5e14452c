import type { Ack } from './result.ts';

/**
 * The realtime protocol shared by the browser and the server. Event names are `domain:verb`.
 * Types are not validation: the server parses every payload with zod.
 *
 * Rooms are named by what they are about: `body:<uuid>` (later `meeting:<uuid>`, `workshop:<uuid>`).
 *
 * @example
 * socket.emit('presence:join', { room: `body:${bodyId}` }, (res) => {
 *   if (res.ok) console.log(res.data.present.map((p) => p.name));
 * });
 */
export interface PresentPerson {
  /** User id, or guest id for guests. */
  id: string;
  name: string;
  kind: 'user' | 'guest';
}

export interface PresenceState {
  room: string;
  present: PresentPerson[];
}

export interface ServerToClientEvents {
  /** Someone joined or left a room the client is in. */
  'presence:changed': (state: PresenceState) => void;
}

export interface ClientToServerEvents {
  'presence:join': (payload: { room: string }, ack: (res: Ack<PresenceState>) => void) => void;
  'presence:leave': (payload: { room: string }, ack: (res: Ack<null>) => void) => void;
  /** Who the server thinks this connection is; useful after a reconnect. */
  'session:whoami': (ack: (res: Ack<PresentPerson>) => void) => void;
}

export interface InterServerEvents {
  ping: () => void;
}

export interface SocketData {
  principal: PresentPerson & { isPlatformAdmin?: boolean; locale: 'fr' | 'en' };
  /** Guests are confined to one target (e.g. `workshop:<uuid>`). */
  guestTarget?: { kind: string; id: string; organisationId: string };
}

export const PROTOCOL_VERSION = 1;
