import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type pino from 'pino';
import type { YjsBus } from './yjs-bus.ts';

export interface RedisYjsBusOptions {
  url: string;
  logger: pino.Logger;
  /** Prepended to the document name to make the channel. Default `concerto:yjs:`. */
  channelPrefix?: string;
}

/** Every published frame starts with the publishing bus's random id, so it can skip its own. */
const INSTANCE_ID_BYTES = 16;

/**
 * The Yjs bus on Redis pub/sub: one connection publishes, one subscribes (a subscribed Redis
 * connection can do nothing else). Frames stay binary end to end (`messageBuffer`, Buffer
 * payloads); ioredis re-subscribes by itself after a reconnect (node-redis does not, STACK trap 11).
 * Frames published while the link is down are lost; instances converge again on the next load
 * (sync step 1 over the bus) and through the log.
 *
 * @example
 * const bus = await createRedisYjsBus({ url: config.redisUrl, logger });
 * const yjs = createYjsServer({ db, logger, authorize, bus });
 */
export async function createRedisYjsBus(opts: RedisYjsBusOptions): Promise<YjsBus> {
  const { url, logger } = opts;
  const log = logger.child({ component: 'yjs-bus' });
  const prefix = opts.channelPrefix ?? 'concerto:yjs:';
  const instanceId = randomBytes(INSTANCE_ID_BYTES);
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const subscriber = new Redis(url, { lazyConnect: true });
  for (const [role, client] of [['publisher', publisher], ['subscriber', subscriber]] as const) {
    client.on('error', (err: Error) => log.warn({ err, role }, 'redis error'));
  }
  await Promise.all([publisher.connect(), subscriber.connect()]);

  const handlers = new Map<string, Set<(message: Uint8Array) => void>>();
  const subscribed = new Set<string>();
  // SUBSCRIBE/UNSUBSCRIBE of one channel run one after another, each bringing Redis in line
  // with the handlers present at that moment: a document evicted and reopened at once must not
  // end unsubscribed.
  const reconciling = new Map<string, Promise<void>>();

  subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
    if (message.length < INSTANCE_ID_BYTES) return;
    if (instanceId.equals(message.subarray(0, INSTANCE_ID_BYTES))) return;
    const set = handlers.get(channel.toString('utf8'));
    if (!set) return;
    const payload = new Uint8Array(message.buffer, message.byteOffset + INSTANCE_ID_BYTES, message.length - INSTANCE_ID_BYTES);
    for (const onMessage of set) {
      try {
        onMessage(payload);
      } catch (err) {
        log.warn({ err, channel: channel.toString('utf8') }, 'Yjs bus handler failed');
      }
    }
  });

  function reconcile(channel: string): Promise<void> {
    const previous = reconciling.get(channel) ?? Promise.resolve();
    const next = previous.then(async () => {
      const wanted = (handlers.get(channel)?.size ?? 0) > 0;
      if (wanted && !subscribed.has(channel)) {
        await subscriber.subscribe(Buffer.from(channel, 'utf8'));
        subscribed.add(channel);
      } else if (!wanted && subscribed.has(channel)) {
        subscribed.delete(channel);
        await subscriber.unsubscribe(Buffer.from(channel, 'utf8'));
      }
    });
    const settled = next.catch(() => undefined);
    reconciling.set(channel, settled);
    void settled.then(() => {
      if (reconciling.get(channel) === settled) reconciling.delete(channel);
    });
    return next;
  }

  return {
    async publish(doc, message) {
      await publisher.publish(prefix + doc, Buffer.concat([instanceId, message]));
    },
    async subscribe(doc, onMessage) {
      const channel = prefix + doc;
      let set = handlers.get(channel);
      if (!set) handlers.set(channel, (set = new Set()));
      // Wrapped so the same function subscribed twice gets two independent subscriptions.
      const handler = (message: Uint8Array): void => onMessage(message);
      set.add(handler);
      try {
        await reconcile(channel);
      } catch (err) {
        set.delete(handler);
        if (set.size === 0 && handlers.get(channel) === set) handlers.delete(channel);
        throw err;
      }
      let active = true;
      return async () => {
        if (!active) return;
        active = false;
        const current = handlers.get(channel);
        current?.delete(handler);
        if (current?.size === 0) handlers.delete(channel);
        await reconcile(channel);
      };
    },
    async close() {
      handlers.clear();
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    }
  };
}
