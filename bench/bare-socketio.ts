/**
 * The reference for bench/meeting.ts: the least a Socket.IO server can do for a live room. No
 * authentication, no database, no state: a client joins a room, and a 'change' it sends is
 * relayed to everyone in that room.
 *
 *   PORT=4000 node --import tsx bench/bare-socketio.ts    prints {"port":4000} once it listens
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });

io.on('connection', (socket) => {
  socket.on('join', (room: string, ack?: () => void) => {
    void socket.join(room);
    ack?.();
  });
  socket.on('change', (room: string, payload: unknown, ack?: () => void) => {
    io.to(room).emit('change', payload);
    ack?.();
  });
});

httpServer.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const addr = httpServer.address();
  process.stdout.write(`${JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : null })}\n`);
});
process.on('SIGTERM', () => {
  void io.close();
  process.exit(0);
});
