/**
 * The reference for bench/yjs.ts: the least a y-websocket server can do, on y-protocols. No
 * authentication, no persistence, no size limit, no keepalive: one Y.Doc per path in memory,
 * the sync protocol answered, every update applied and relayed to the other connections of the
 * document, awareness relayed as received.
 *
 *   PORT=4000 node --import tsx bench/bare-yjs-relay.ts    prints {"port":4000} once it listens
 */
import { createServer } from 'node:http';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocketServer, type WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

const docs = new Map<string, { ydoc: Y.Doc; conns: Set<WebSocket> }>();

function room(name: string) {
  let r = docs.get(name);
  if (!r) {
    const ydoc = new Y.Doc();
    const conns = new Set<WebSocket>();
    r = { ydoc, conns };
    ydoc.on('update', (update: Uint8Array, origin: unknown) => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      syncProtocol.writeUpdate(encoder, update);
      const message = encoding.toUint8Array(encoder);
      for (const c of conns) if (c !== origin) c.send(message);
    });
    docs.set(name, r);
  }
  return r;
}

const httpServer = createServer();
const wss = new WebSocketServer({ server: httpServer });
wss.on('connection', (ws, req) => {
  const r = room(req.url ?? '/');
  r.conns.add(ws);
  ws.on('close', () => r.conns.delete(ws));
  ws.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const type = decoding.readVarUint(decoder);
    if (type === 0) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      syncProtocol.readSyncMessage(decoder, encoder, r.ydoc, ws);
      if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
    } else if (type === 1) {
      for (const c of r.conns) if (c !== ws) c.send(data);
    }
  });
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, r.ydoc);
  ws.send(encoding.toUint8Array(encoder));
});

httpServer.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const addr = httpServer.address();
  process.stdout.write(`${JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : null })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
