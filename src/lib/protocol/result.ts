/**
 * Acknowledgement shape for every Socket.IO event that expects an answer, and the error
 * envelope of the JSON API. `message` is in the requester's locale; `fields` maps a field
 * path to its message.
 *
 * @example
 * socket.emit('presence:join', { room }, (res: Ack<PresenceState>) => { if (!res.ok) alert(res.error.message); });
 */
export interface ApiError {
  code: ErrorCode;
  message: string;
  /** Same message in the other language (French and English are always both given). */
  messageEn?: string;
  fields?: Record<string, string>;
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorised'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'too_large'
  | 'rate_limited'
  | 'setup_done'
  | 'internal';
