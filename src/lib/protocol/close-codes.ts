/**
 * Close codes for websocket connections (Yjs) and error codes for Socket.IO connect errors,
 * shared by client and server. 44xx mirror the HTTP statuses they stand for.
 *
 * @example
 * ws.close(CloseCodes.unauthorised.code, CloseCodes.unauthorised.reason);
 */
export const CloseCodes = {
  /** No valid session or token on the upgrade request, or it has expired. */
  unauthorised: { code: 4401, reason: 'unauthorised' },
  /** Authenticated, but not allowed on this document. */
  forbidden: { code: 4403, reason: 'forbidden' },
  /** A message could not be decoded, or broke the protocol. */
  badMessage: { code: 4400, reason: 'bad-message' },
  /** The document does not exist. */
  notFound: { code: 4404, reason: 'not-found' },
  /** A message larger than the server accepts. */
  tooLarge: { code: 4413, reason: 'message-too-large' },
  /** The document could not be loaded from storage; nothing was written. */
  loadFailed: { code: 4500, reason: 'load-failed' },
  /** The document's rights changed (e.g. a charter was adopted): reconnect, rights are checked again (45xx: y-websocket reconnects; it gives up on 44xx). */
  rightsChanged: { code: 4509, reason: 'rights-changed' },
  /** The server is shutting down; reconnect to another instance. */
  goingAway: { code: 1001, reason: 'going-away' }
} as const;

export type CloseCodeName = keyof typeof CloseCodes;
