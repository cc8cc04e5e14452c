import type { Db } from '../../server/db/db.ts';
import type { Services } from '../../server/services.ts';
import { addNote, tableclothDocName, summaryText, setText } from '../../src/lib/workshops/tablecloth.ts';
import type { HarvestJoined, HarvestState } from '../../src/lib/protocol/harvest-state.ts';
import { connected, socketClient, type ConcertoSocket } from '../helpers/realtime-clients.ts';
import { api, cookieFrom } from '../helpers/test-server.ts';

/**
 * World-café harvest fixtures (issue 7). Workshops and their tables are rows of E1's schema
 * (0008_workshops.sql), inserted directly so these tests do not depend on the workshop setup
 * API; notes are written into the tablecloth documents through the running Yjs server
 * (`services.documents`), as a phone's edit would be.
 */
export async function insertWorkshop(db: Db, organisationId: string, bodyId: string, title: string, tables: { name: string; question: string }[]) {
  const [w] = await db.query<{ id: string }>('insert into workshops (organisation_id, body_id, title, purpose) values ($1, $2, $3, $4) returning id', [
    organisationId,
    bodyId,
    title,
    'Définir les critères d’adaptation des logements au vieillissement.'
  ]);
  const tableIds: string[] = [];
  for (const [i, t] of tables.entries()) {
    const [row] = await db.query<{ id: string }>('insert into workshop_tables (workshop_id, position, name, question) values ($1, $2, $3, $4) returning id', [w.id, i, t.name, t.question]);
    tableIds.push(row.id);
  }
  return { workshopId: w.id, tableIds };
}

export async function writeNotes(services: Services, tableId: string, notes: { text: string; round: number; authorName?: string | null }[]): Promise<string[]> {
  const ids: string[] = [];
  await services.documents.update(tableclothDocName(tableId), (d) => {
    for (const n of notes) ids.push(addNote(d, { text: n.text, round: n.round, authorName: n.authorName ?? null }).id);
  });
  return ids;
}

export async function writeSummary(services: Services, tableId: string, round: number, text: string): Promise<void> {
  await services.documents.update(tableclothDocName(tableId), (d) => setText(summaryText(d, round), text));
}

/** A guest session for a workshop, joined with its code, as a phone would: the guest cookie. */
export async function guestCookieFor(baseUrl: string, adminCookie: string, orgId: string, workshopId: string, displayName: string): Promise<string> {
  const code = await api(baseUrl, adminCookie).post(`/organisations/${orgId}/guest-codes`, { targetKind: 'workshop', targetId: workshopId });
  if (code.status !== 201) throw new Error(`guest code: ${code.status} ${JSON.stringify(code.json)}`);
  const joined = await api(baseUrl).post('/guests/join', { code: code.json.guestCode.code, displayName });
  if (joined.status !== 201) throw new Error(`guest join: ${joined.status} ${JSON.stringify(joined.json)}`);
  return cookieFrom(joined.headers);
}

/** A Socket.IO client on a harvest board that keeps the newest state it received, as the page does. */
export interface BoardClient {
  socket: ConcertoSocket;
  joined: HarvestJoined;
  /** Newest state (highest rev) received. */
  latest(): HarvestState;
  states: HarvestState[];
  close(): void;
}

export async function boardClient(baseUrl: string, cookie: string, workshopId: string): Promise<BoardClient> {
  const socket = socketClient(baseUrl, { cookie });
  const states: HarvestState[] = [];
  let newest: HarvestState | null = null;
  socket.on('harvest:state', (s) => {
    states.push(s);
    if (!newest || s.rev > newest.rev) newest = s;
  });
  await connected(socket);
  const res = await socket.emitWithAck('harvest:join', { workshopId });
  if (!res.ok) {
    socket.disconnect();
    throw Object.assign(new Error(`harvest:join refused: ${res.error.code}`), { apiError: res.error });
  }
  const joinedState = res.data.state;
  if (!newest || joinedState.rev > (newest as HarvestState).rev) newest = joinedState;
  return {
    socket,
    joined: res.data,
    latest: () => newest!,
    states,
    close: () => socket.disconnect()
  };
}
