import { describe, expect, it } from 'vitest';
import {
  BadMessageError,
  decodeMessage,
  encodeAwareness,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate
} from './yjs-messages.ts';

describe('y-websocket message codec', () => {
  const payload = new Uint8Array([1, 2, 3]);

  it('decodes what it encodes, for every message a stock client sends', () => {
    expect(decodeMessage(encodeSyncStep1(payload))).toEqual({ kind: 'sync-step1', stateVector: payload });
    expect(decodeMessage(encodeSyncStep2(payload))).toEqual({ kind: 'sync-step2', update: payload });
    expect(decodeMessage(encodeUpdate(payload))).toEqual({ kind: 'update', update: payload });
    expect(decodeMessage(encodeAwareness(payload))).toEqual({ kind: 'awareness', update: payload });
    expect(decodeMessage(encodeQueryAwareness())).toEqual({ kind: 'query-awareness' });
  });

  it('rejects unknown message and sync types', () => {
    expect(() => decodeMessage(new Uint8Array([42]))).toThrow(BadMessageError);
    expect(() => decodeMessage(new Uint8Array([0, 9, 0]))).toThrow(BadMessageError);
  });

  it('rejects truncated frames instead of reading past them', () => {
    expect(() => decodeMessage(new Uint8Array([]))).toThrow();
    expect(() => decodeMessage(new Uint8Array([0, 2, 10, 1, 2]))).toThrow();
    // A view on a larger buffer: the bytes after the view must not be read as payload.
    const pooled = new Uint8Array([0, 2, 3, 7, 7, 7, 7]);
    expect(() => decodeMessage(pooled.subarray(0, 4))).toThrow();
  });
});
