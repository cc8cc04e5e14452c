import { strFromU8, unzipSync } from 'fflate';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { renderDocx } from '../../server/documents/export-docx.ts';
import { renderPdf } from '../../server/documents/export-pdf.ts';
import { pdfText } from '../../server/documents/pdf-inspect.ts';
import { appendJSONToYDoc, checkDocument, jsonToYUpdate, plainText, pm, yDocToJSON, yUpdateToJSON } from '../../server/documents/prosemirror.ts';
import { createBody } from '../helpers/api-fixtures.ts';
import { yjsClient, type YjsClient } from '../helpers/realtime-clients.ts';
import { openTestDb, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

// The conversions and exports (server/documents/) against the real Yjs server: what the server
// writes, a stock y-websocket client reads as the same document; a server section appended while
// someone types keeps both; the exports read what the editors wrote.

let db: Db;
let server: TestServer;
let admin: AdminSession;
let docName: string;
const clients: YjsClient[] = [];

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
  admin = await setupAdmin(server.url);
  const body = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'Groupe de travail charte', kind: 'working_group' });
  docName = `body:${body.id}:notes`;
});

afterEach(() => {
  for (const c of clients.splice(0)) c.provider.destroy();
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

function connect(): YjsClient {
  const c = yjsClient(server.url, docName, { cookie: admin.cookie });
  clients.push(c);
  return c;
}
const documents = () => server.concerto.services.documents;

const charter = pm.doc(
  pm.heading(1, 'Charte de bon voisinage'),
  pm.paragraph('Préambule ', pm.bold('adopté'), ' par le ', pm.link('CCL', 'https://example.org/ccl')),
  pm.bulletList([pm.paragraph('Calme après 22 h')], [pm.paragraph('Tri des déchets')]),
  pm.table(['Engagement', 'Partie'], [['Entretien des parties communes', 'Bailleur']])
);

describe('documents through the Yjs server', () => {
  it('a server-written document reaches a stock y-websocket client unchanged', async () => {
    await documents().applyUpdate(docName, jsonToYUpdate(charter));
    const c = connect();
    await waitFor(() => c.provider.synced, { timeoutMs: 10_000 });
    expect(yDocToJSON(c.ydoc)).toEqual(checkDocument(charter));
  });

  it('a section appended by the server while someone types keeps both', async () => {
    const c = connect();
    await waitFor(() => c.provider.synced, { timeoutMs: 10_000 });
    const fragment = c.ydoc.getXmlFragment('content');
    const typed = new Y.XmlElement('paragraph');
    typed.insert(0, [new Y.XmlText('Ajout de Mme Benali')]);
    fragment.insert(fragment.length, [typed]);
    await documents().update(docName, (d) => appendJSONToYDoc(d, pm.doc(pm.heading(2, 'Annexe du secrétariat'))));
    await waitFor(() => plainText(yDocToJSON(c.ydoc)).includes('Annexe du secrétariat'), { timeoutMs: 10_000 });
    await waitFor(async () => plainText(yUpdateToJSON(await documents().read(docName))).includes('Ajout de Mme Benali'), { timeoutMs: 10_000 });
    const server = yUpdateToJSON(await documents().read(docName));
    expect(server).toEqual(yDocToJSON(c.ydoc));
    expect(plainText(server)).toContain('Charte de bon voisinage');
  });

  it('exports what the editors wrote, as PDF and DOCX', async () => {
    const json = yUpdateToJSON(await documents().read(docName));
    const text = pdfText(await renderPdf(json, { title: 'Charte de bon voisinage', lang: 'fr' }));
    for (const s of ['Préambule adopté par le CCL', 'Calme après 22 h', 'Entretien des parties communes', 'Ajout de Mme Benali', 'Annexe du secrétariat']) expect(text).toContain(s);
    const xml = strFromU8(unzipSync(new Uint8Array(await renderDocx(json, { title: 'Charte de bon voisinage', lang: 'fr' })))['word/document.xml']);
    for (const s of ['Calme après 22 h', 'Ajout de Mme Benali', 'Annexe du secrétariat']) expect(xml).toContain(s);
  });
});
