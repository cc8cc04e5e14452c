import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * The y-websocket wire protocol, as the stock `WebsocketProvider` speaks it: every binary frame
 * starts with a varUint message type; a sync message then has a varUint sync type and a
 * varUint8Array payload (y-protocols/sync); an awareness message has one varUint8Array.
 * The room is the URL path, never part of a message.
 *
 * @example
 * const msg = decodeMessage(frame); // { kind: 'update', update } | ...
 * ws.send(encodeSyncStep1(Y.encodeStateVector(doc)));
 */
export const MessageType = {
  sync: 0,
  awareness: 1,
  /** Server-to-client permission-denied message; we answer refusals with close codes instead. */
  auth: 2,
  queryAwareness: 3
} as const;

/** Second varUint of a `MessageType.sync` frame. */
export const SyncMessageType = {
  step1: 0,
  step2: 1,
  update: 2
} as const;

export type YjsMessage =
  | { kind: 'sync-step1'; stateVector: Uint8Array }
  | { kind: 'sync-step2'; update: Uint8Array }
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'query-awareness' };

/** A frame that does not follow the protocol; the connection that sent it is closed with 4400. */
export class BadMessageError extends Error {
  readonly code = 'bad-message';
}

/**
 * Decodes one frame. Throws `BadMessageError` on an unknown type and lib0's
 * "Unexpected end of array" on truncated input (lib0 bounds-checks against the view, so a
 * pooled Buffer from `ws` cannot leak foreign memory). Payloads are views into `data`.
 */
export function decodeMessage(data: Uint8Array): YjsMessage {
  const decoder = decoding.createDecoder(data);
  const type = decoding.readVarUint(decoder);
  switch (type) {
    case MessageType.sync: {
      const syncType = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      switch (syncType) {
        case SyncMessageType.step1:
          return { kind: 'sync-step1', stateVector: payload };
        case SyncMessageType.step2:
          return { kind: 'sync-step2', update: payload };
        case SyncMessageType.update:
          return { kind: 'update', update: payload };
        default:
          throw new BadMessageError(`unknown sync message type ${syncType}`);
      }
    }
    case MessageType.awareness:
      return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) };
    case MessageType.queryAwareness:
      return { kind: 'query-awareness' };
    default:
      throw new BadMessageError(`unknown message type ${type}`);
  }
}

function encodeSync(syncType: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  encoding.writeVarUint(encoder, syncType);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array => encodeSync(SyncMessageType.step1, stateVector);
export const encodeSyncStep2 = (update: Uint8Array): Uint8Array => encodeSync(SyncMessageType.step2, update);
export const encodeUpdate = (update: Uint8Array): Uint8Array => encodeSync(SyncMessageType.update, update);

export function encodeAwareness(awarenessUpdate: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, awarenessUpdate);
  return encoding.toUint8Array(encoder);
}

export function encodeQueryAwareness(): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.queryAwareness);
  return encoding.toUint8Array(encoder);
}
