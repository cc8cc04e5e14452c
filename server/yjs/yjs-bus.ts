/**
 * Relays y-websocket frames (updates, awareness) between server instances that serve the same
 * document, so clients connected to different instances see each other. A message published
 * by an instance is delivered to every OTHER subscribed instance, never back to its sender.
 * Delivery is best effort: persistence never depends on the bus (the instance that received an
 * update from its client writes it), only live relay does.
 *
 * @example
 * const bus = await createRedisYjsBus({ url: process.env.REDIS_URL!, logger });
 * const yjs = createYjsServer({ db, logger, authorize, bus });
 * // on shutdown: await yjs.close(); await bus.close();
 */
export interface YjsBus {
  publish(doc: string, message: Uint8Array): Promise<void>;
  /** Resolves once the subscription is active; the returned function ends it. */
  subscribe(doc: string, onMessage: (message: Uint8Array) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
