import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import type { Db } from '../../server/db/db.ts';
import type { PresenceState } from '../../src/lib/protocol/events.ts';
import { createBody, createMemberAccount } from '../helpers/api-fixtures.ts';
import { connected, socketClient, yjsClient, type ConcertoSocket, type YjsClient } from '../helpers/realtime-clients.ts';
import { api, cookieFrom, openTestDb, resetDb, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

let db: Db;
let server: TestServer;
let admin: AdminSession;
let bodyId: string;
const sockets: ConcertoSocket[] = [];
const yjsClients: YjsClient[] = [];
const rawSockets: WebSocket[] = [];

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
});

beforeEach(async () => {
  await resetDb(db);
  admin = await setupAdmin(server.url);
  bodyId = (await createBody(server.url, admin.cookie, admin.organisationId)).id;
});

afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
  for (const c of yjsClients.splice(0)) c.provider.destroy();
  for (const ws of rawSockets.splice(0)) ws.terminate();
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

function socketWith(headers: Record<string, string>): ConcertoSocket {
  const s = socketClient(server.url, headers);
  sockets.push(s);
  return s;
}

async function connectedSocket(cookie: string): Promise<ConcertoSocket> {
  const s = socketWith({ cookie });
  await connected(s);
  return s;
}

/** A user of a second organisation, logged in. */
async function outsider(): Promise<{ cookie: string; organisationId: string }> {
  const { organisation } = await server.concerto.services.organisations.ensureWithAdmin({
    orgName: 'Habitat Sud Atlantique',
    email: 'admin@hsa.test',
    password: 'mot-de-passe-de-hsa'
  });
  const login = await api(server.url).post('/auth/login', { email: 'admin@hsa.test', password: 'mot-de-passe-de-hsa' });
  return { cookie: cookieFrom(login.headers), organisationId: organisation.id };
}

async function guestCookieFor(targetBodyId: string, displayName: string): Promise<string> {
  const code = await api(server.url, admin.cookie).post(`/organisations/${admin.organisationId}/guest-codes`, { targetKind: 'body', targetId: targetBodyId });
  expect(code.status).toBe(201);
  const joined = await api(server.url).post('/guests/join', { code: code.json.guestCode.code, displayName });
  expect(joined.status).toBe(201);
  return cookieFrom(joined.headers);
}

describe('Socket.IO', () => {
  it("refuses a connection without a session with connect_error 'unauthorised' and close code 4401", async () => {
    for (const headers of [{}, { cookie: 'concerto_session=inconnu.abcdef' }] as Record<string, string>[]) {
      const socket = socketWith(headers);
      const error = await connected(socket).then(
        () => null,
        (err: Error & { data?: Record<string, unknown> }) => err
      );
      expect(error?.message).toBe('unauthorised');
      expect(error?.data).toMatchObject({
        closeCode: 4401,
        code: 'unauthorised',
        message: 'Connectez-vous pour continuer.',
        messageEn: 'Please log in to continue.'
      });
      expect(socket.connected).toBe(false);
    }
  });

  it('refuses a connection whose session has expired', async () => {
    await db.query(`update sessions set expires_at = now() - interval '1 second'`);
    const error = await connected(socketWith({ cookie: admin.cookie })).catch((err: Error) => err);
    expect(error?.message).toBe('unauthorised');
  });

  it('accepts a connection carrying the session cookie and knows who it is', async () => {
    const socket = await connectedSocket(admin.cookie);
    const res = await socket.emitWithAck('session:whoami');
    expect(res).toEqual({ ok: true, data: { id: admin.userId, name: 'Claire Etcheverry', kind: 'user' } });
  });

  it("shows who is present in a body's room and tells the others when someone joins and leaves", async () => {
    const member = await createMemberAccount(server.url, admin.cookie, admin.organisationId, {
      person: { fullName: 'Marc Duhalde' },
      bodyId,
      membership: { role: 'member' }
    });
    const room = `body:${bodyId}`;
    const first = await connectedSocket(admin.cookie);
    const joined = await first.emitWithAck('presence:join', { room });
    expect(joined).toEqual({ ok: true, data: { room, present: [{ id: admin.userId, name: 'Claire Etcheverry', kind: 'user' }] } });

    const seenByFirst: PresenceState[] = [];
    first.on('presence:changed', (state) => seenByFirst.push(state));
    const second = await connectedSocket(member.cookie);
    const secondJoin = await second.emitWithAck('presence:join', { room });
    expect(secondJoin.ok && secondJoin.data.present.map((p) => p.name)).toEqual(['Claire Etcheverry', 'Marc Duhalde']);
    await waitFor(() => expect(seenByFirst.at(-1)?.present.map((p) => p.id)).toEqual([admin.userId, member.userId]));

    second.disconnect();
    await waitFor(() => expect(seenByFirst.at(-1)?.present.map((p) => p.id)).toEqual([admin.userId]));
  });

  it("refuses to join a body of another organisation with 'forbidden' and tells nobody", async () => {
    const watcher = await connectedSocket(admin.cookie);
    expect((await watcher.emitWithAck('presence:join', { room: `body:${bodyId}` })).ok).toBe(true);
    let changes = 0;
    watcher.on('presence:changed', () => changes++);

    const other = await outsider();
    const socket = await connectedSocket(other.cookie);
    const res = await socket.emitWithAck('presence:join', { room: `body:${bodyId}` });
    expect(res).toEqual({
      ok: false,
      error: { code: 'forbidden', message: "Vous n'avez pas le droit de faire cela.", messageEn: 'You are not allowed to do this.' }
    });
    // The watcher's own next join is answered after anything the refused join could have sent.
    expect((await watcher.emitWithAck('presence:join', { room: `body:${bodyId}` })).ok).toBe(true);
    await waitFor(() => changes >= 1);
    expect(changes).toBe(1);
  });

  it('refuses rooms of a body that does not exist and of kinds not open yet', async () => {
    const socket = await connectedSocket(admin.cookie);
    for (const room of [`body:${randomUUID()}`, `meeting:${randomUUID()}`]) {
      const res = await socket.emitWithAck('presence:join', { room });
      expect(res.ok ? null : res.error.code, room).toBe('forbidden');
    }
  });

  it('answers an invalid payload with validation_failed', async () => {
    const socket = await connectedSocket(admin.cookie);
    for (const payload of [{}, { room: 'salle-des-fetes' }, { room: 42 }, 'body', null]) {
      const res = await socket.emitWithAck('presence:join', payload as { room: string });
      expect(res.ok, JSON.stringify(payload)).toBe(false);
      if (!res.ok) {
        expect(res.error.code).toBe('validation_failed');
        expect(res.error.messageEn).toEqual(expect.any(String));
      }
    }
  });

  it('lets a guest join only the room its code opens', async () => {
    const otherBody = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'Groupe jardins', kind: 'working_group' });
    const guestCookie = await guestCookieFor(bodyId, 'Mme Irigoyen');
    const guest = await connectedSocket(guestCookie);
    expect(await guest.emitWithAck('session:whoami')).toMatchObject({ ok: true, data: { name: 'Mme Irigoyen', kind: 'guest' } });

    const inTarget = await guest.emitWithAck('presence:join', { room: `body:${bodyId}` });
    expect(inTarget).toMatchObject({ ok: true, data: { present: [{ name: 'Mme Irigoyen', kind: 'guest' }] } });
    const elsewhere = await guest.emitWithAck('presence:join', { room: `body:${otherBody.id}` });
    expect(elsewhere).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

// ---------------------------------------------------------------------------------------------

const notesOf = (id: string) => `body:${id}:notes`;

function yjsWith(docName: string, headers: Record<string, string>): YjsClient {
  const client = yjsClient(server.url, docName, headers);
  yjsClients.push(client);
  return client;
}

async function syncedYjs(docName: string, cookie: string): Promise<YjsClient> {
  const client = yjsWith(docName, { cookie });
  await waitFor(() => client.provider.synced);
  return client;
}

/** The document exactly as the database would give it to the next server. */
async function persistedNotes(docName: string): Promise<string> {
  const rows = await db.query<{ update: Uint8Array }>('select update from yjs_updates where doc = $1 order by id', [docName]);
  const ydoc = new Y.Doc();
  for (const row of rows) Y.applyUpdate(ydoc, row.update);
  return ydoc.getText('notes').toString();
}

async function rawUpgrade(path: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}${path}`, { headers });
  rawSockets.push(ws);
  ws.on('error', () => undefined);
  return ws;
}

describe('Yjs through the full server', () => {
  it('closes a y-websocket client without a session with 4401 and never syncs it', async () => {
    const client = yjsWith(notesOf(bodyId), {});
    expect(await client.closed).toEqual({ code: 4401, reason: 'unauthorised' });
    expect(client.provider.synced).toBe(false);
  });

  it('syncs an administrator and makes two editors converge, and stores the result', async () => {
    const member = await createMemberAccount(server.url, admin.cookie, admin.organisationId, { bodyId, membership: { role: 'member' } });
    const doc = notesOf(bodyId);
    const a = await syncedYjs(doc, admin.cookie);
    const b = await syncedYjs(doc, member.cookie);

    a.ydoc.getText('notes').insert(0, 'Ordre du jour : ');
    b.ydoc.getText('notes').insert(0, 'charges locatives');
    await waitFor(() => {
      expect(a.ydoc.getText('notes').length).toBe('Ordre du jour : charges locatives'.length);
      expect(b.ydoc.getText('notes').toString()).toBe(a.ydoc.getText('notes').toString());
    });
    const converged = a.ydoc.getText('notes').toString();
    await waitFor(async () => expect(await persistedNotes(doc)).toBe(converged));
  });

  it("keeps an observer's connection read-only: its edits reach neither the other client nor the database", async () => {
    const observer = await createMemberAccount(server.url, admin.cookie, admin.organisationId, {
      bodyId,
      membership: { role: 'observer', college: 'other' }
    });
    const doc = notesOf(bodyId);
    const editor = await syncedYjs(doc, admin.cookie);
    const reader = await syncedYjs(doc, observer.cookie);

    editor.ydoc.getText('notes').insert(0, 'compte rendu');
    await waitFor(() => expect(reader.ydoc.getText('notes').toString()).toBe('compte rendu'));

    reader.ydoc.getText('notes').insert(0, 'PIRATE ');
    // A later edit from the editor that reaches the observer shows the server has handled
    // everything the observer sent before it.
    editor.ydoc.getText('notes').insert(editor.ydoc.getText('notes').length, ' validé');
    await waitFor(() => expect(reader.ydoc.getText('notes').toString()).toContain('validé'));
    await waitFor(async () => expect(await persistedNotes(doc)).toBe('compte rendu validé'));
    expect(editor.ydoc.getText('notes').toString()).toBe('compte rendu validé');

    // A newcomer gets the server's state, without the observer's edit.
    const late = await syncedYjs(doc, admin.cookie);
    expect(late.ydoc.getText('notes').toString()).toBe('compte rendu validé');
  });

  it('accepts a personal API token on the upgrade like the cookie', async () => {
    const created = await api(server.url, admin.cookie).post('/auth/tokens', { name: 'Synchronisation' });
    const client = yjsWith(notesOf(bodyId), { authorization: `Bearer ${created.json.token}` });
    await waitFor(() => client.provider.synced);
  });

  it('closes with 4403 a user of another organisation and a guest', async () => {
    const other = await outsider();
    const stranger = yjsWith(notesOf(bodyId), { cookie: other.cookie });
    expect((await stranger.closed).code).toBe(4403);
    const guest = yjsWith(notesOf(bodyId), { cookie: await guestCookieFor(bodyId, 'Visiteur') });
    expect((await guest.closed).code).toBe(4403);
  });

  it('closes with 4404 a document kind that does not exist, a part that does not exist and a body that does not exist', async () => {
    for (const docName of [`meeting:${randomUUID()}:notes`, `body:${bodyId}:minutes`, notesOf(randomUUID()), 'n-importe-quoi']) {
      const client = yjsWith(docName, { cookie: admin.cookie });
      expect(await client.closed, docName).toEqual({ code: 4404, reason: 'not-found' });
    }
  });

  it('destroys an upgrade to any other path without answering it', async () => {
    for (const path of ['/elsewhere', '/api/v1/organisations', '/yjsx/body']) {
      const ws = await rawUpgrade(path, { cookie: admin.cookie });
      const outcome = await new Promise<string>((resolve) => {
        ws.once('open', () => resolve('open'));
        ws.once('error', () => resolve('destroyed'));
        ws.once('unexpected-response', () => resolve('http-response'));
      });
      expect(outcome, path).toBe('destroyed');
    }
  });

  it('leaves Socket.IO working beside Yjs on the same port', async () => {
    const client = await syncedYjs(notesOf(bodyId), admin.cookie);
    const socket = await connectedSocket(admin.cookie);
    expect((await socket.emitWithAck('presence:join', { room: `body:${bodyId}` })).ok).toBe(true);
    expect(client.provider.wsconnected).toBe(true);
  });
});
