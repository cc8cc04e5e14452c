import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNotes } from '../../src/lib/workshops/tablecloth.ts';
import { createBody, createMemberAccount, createPerson, addMembership, type MemberAccount } from '../helpers/api-fixtures.ts';
import { yjsClient, type YjsClient } from '../helpers/realtime-clients.ts';
import { setupAdmin, type AdminSession } from '../helpers/test-server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchBrowser, pathOf, repoRoot, startApp, openPage, screenshot, type E2eApp } from './helpers.ts';

// Issue 7's world café in four browsers: the secretary of a working group prepares "Les seniors
// du parc social – Atelier 1" (three tables, two short rounds), opens the console and the
// projector; Jean follows on his phone; Josette, a tenant invited for the day without an
// account, joins with the QR code's address and her first name. The secretary starts: each
// phone says which table to go to; Josette writes a note on her table's tablecloth; the
// secretary moves to round 2 and every phone follows. Each step is one test.

const SCREENSHOTS = join(repoRoot, 'test-results', 'screenshots');

let app: E2eApp;
let browser: Browser;
let admin: AdminSession;
let bodyId = '';
let workshopId = '';
let joinUrl = '';
let secretary: MemberAccount;
let jean: MemberAccount;
const contexts: BrowserContext[] = [];
const docs: YjsClient[] = [];
let sec: Page;
let screen: Page;
let jeanPhone: Page;
let guestPhone: Page;

const PHONE: BrowserContextOptions = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

const browse = (account: MemberAccount | null, opts: BrowserContextOptions = {}) => openPage(browser, app, contexts, account?.cookie ?? null, opts);

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, SCREENSHOTS, name);
}

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  admin = await setupAdmin(app.url, { organisationName: 'Office Démo de l’Habitat', adminName: 'Claire Dumas', email: 'claire.dumas@office-demo.fr', password: 'le jardin des oliviers' });
  const body = await createBody(app.url, admin.cookie, admin.organisationId, { name: 'Groupe seniors', kind: 'working_group' });
  bodyId = body.id;
  secretary = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Sophie Marchand', email: 'sophie.marchand@office-demo.fr' },
    bodyId,
    membership: { role: 'secretary', college: 'landlord' }
  });
  jean = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Jean Moreau', email: 'jean.moreau@exemple.fr' },
    bodyId,
    membership: { role: 'member', college: 'tenant' }
  });
  // Members without an account (they take part on paper): one hosts a table.
  for (const [fullName, college] of [
    ['Paul Durand', 'landlord'],
    ['Anne Leroy', 'tenant'],
    ['Marc Petit', 'landlord'],
    ['Lucie Bernard', 'tenant']
  ] as const) {
    const p = await createPerson(app.url, admin.cookie, admin.organisationId, { fullName, email: null });
    await addMembership(app.url, admin.cookie, bodyId, p.id, { role: 'member', college });
  }
}, 120_000);

afterAll(async () => {
  for (const d of docs) d.provider.destroy();
  for (const c of contexts) await c.close();
  await browser?.close();
  await app?.close();
});

describe('world café in the browser', () => {
  it('the secretary creates the workshop with three tables and two short rounds', async () => {
    sec = await browse(secretary);
    await sec.goto(`/w/body/${bodyId}`);
    await sec.getByLabel('Titre', { exact: true }).fill('Les seniors du parc social – Atelier 1');
    await sec.getByLabel('Nombre de tours').fill('2');
    await sec.getByLabel('Durée d’un tour (minutes)').fill('1');
    await sec.getByLabel('Question de la table 1').fill('Qu’est-ce qui rend une résidence adaptée ?');
    await sec.getByLabel('Lignes de la grille (séparées par ;)').first().fill('Accès; Éclairage');
    await sec.getByLabel('Colonnes de la grille (séparées par ;)').first().fill('Bailleur; Aides publiques');
    await sec.getByRole('button', { name: 'Créer l’atelier' }).click();
    await sec.waitForURL(/\/w\/[0-9a-f-]{36}$/);
    workshopId = pathOf(sec).split('/')[2];
    await expect(sec.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Les seniors du parc social – Atelier 1');
  });

  it('adds the members, chooses a host, makes the join code and proposes a plan', async () => {
    await sec.getByRole('button', { name: 'Ajouter tous les membres de l’instance' }).click();
    await sec.getByText('Participants (6)').waitFor();
    await sec.locator('select[name="hostParticipantId"]').first().selectOption({ label: 'Paul Durand' });
    await sec.getByRole('button', { name: 'Enregistrer la table La résidence' }).click();
    await sec.getByText('Enregistré.').waitFor();
    await sec.getByRole('button', { name: 'Créer le code et le QR code' }).click();
    await sec.locator('.code').waitFor();
    const code = ((await sec.locator('.code').textContent()) ?? '').replace(/^.*:\s*/, '').trim();
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    joinUrl = `/w/${workshopId}/join?code=${code}`;
    await sec.getByRole('button', { name: 'Proposer un plan' }).click();
    await sec.getByText('Le plan respecte les règles').or(sec.getByText('Points d’attention')).first().waitFor();
    await expectNoSeriousAxeViolations(sec);
  });

  it('Jean opens his phone view and Josette joins as a guest with the code', async () => {
    jeanPhone = await browse(jean, PHONE);
    await jeanPhone.goto(`/w/${workshopId}/table`);
    await jeanPhone.getByText('L’atelier n’a pas commencé.').waitFor();

    guestPhone = await browse(null, PHONE);
    await guestPhone.goto(joinUrl);
    await guestPhone.getByLabel('Votre prénom ou nom').fill('Josette');
    await guestPhone.getByRole('button', { name: 'Rejoindre' }).click();
    await guestPhone.waitForURL(new RegExp(`/w/${workshopId}/table$`));
    await guestPhone.getByText('L’atelier n’a pas commencé.').waitFor();
  });

  it('the secretary starts from the console: every phone says which table to go to, the projector shows the timer', async () => {
    screen = await browse(secretary);
    await screen.goto(`/w/${workshopId}/screen`);
    await screen.locator('.qr svg').waitFor();
    await sec.goto(`/w/${workshopId}/console`);
    await sec.getByRole('button', { name: 'Lancer le premier tour' }).click();
    for (const page of [jeanPhone, guestPhone, screen]) await page.locator('[data-round="1"]').waitFor();
    await jeanPhone.getByRole('heading', { level: 1, name: /^Allez à la table : / }).waitFor();
    await guestPhone.getByRole('heading', { level: 1, name: /^Allez à la table : / }).waitFor();
    await screen.getByRole('timer').waitFor();
    await expect(screen.getByText('Tour 1 sur 2').count()).resolves.toBeGreaterThan(0);
    await expectNoHorizontalScroll(jeanPhone);
  });

  it('Josette writes a note on her table’s tablecloth; it reaches the shared document', async () => {
    const heading = (await guestPhone.getByRole('heading', { level: 1 }).textContent()) ?? '';
    const tableName = heading.replace(/^Allez à la table : /, '');
    await guestPhone.locator('[data-synced="true"]').waitFor();
    await guestPhone.getByLabel('Votre idée (courte)').fill('Des mains courantes dans les escaliers');
    await guestPhone.getByText('Vert').click();
    await guestPhone.getByRole('button', { name: 'Ajouter la note' }).click();
    await guestPhone.locator('.note', { hasText: 'Des mains courantes dans les escaliers' }).waitFor();
    await expect(guestPhone.locator('.note.green .author').first().textContent()).resolves.toBe('Josette');
    // A real y-websocket client of the secretary reads the same tablecloth from the server.
    const tables = await app.db.query<{ id: string }>('select id from workshop_tables where workshop_id = $1 and name = $2', [workshopId, tableName]);
    const reader = yjsClient(app.url, `tablecloth:${tables[0].id}`, { cookie: secretary.cookie });
    docs.push(reader);
    await waitFor(() => expect(readNotes(reader.ydoc).map((n) => [n.text, n.round, n.authorName])).toEqual([['Des mains courantes dans les escaliers', 1, 'Josette']]));
    await expectNoSeriousAxeViolations(guestPhone);
    await expectNoHorizontalScroll(guestPhone);
    await shot(guestPhone, 'workshop-phone');
    await shot(screen, 'workshop-projector');
    await expectNoSeriousAxeViolations(screen);
  });

  it('round 2: every phone follows to a new table; a broadcast message shows everywhere', async () => {
    const before = (await jeanPhone.getByRole('heading', { level: 1 }).textContent()) ?? '';
    await sec.getByRole('button', { name: 'Tour suivant' }).click();
    for (const page of [jeanPhone, guestPhone, screen]) await page.locator('[data-round="2"]').waitFor();
    const after = (await jeanPhone.getByRole('heading', { level: 1 }).textContent()) ?? '';
    expect(after).toMatch(/^Allez à la table : /);
    expect(after).not.toBe(before);
    await sec.getByLabel('Message à tous les participants').fill('Synthèse dans 5 minutes');
    await sec.getByRole('button', { name: 'Envoyer le message' }).click();
    for (const page of [jeanPhone, guestPhone, screen]) await page.getByText('Synthèse dans 5 minutes').first().waitFor();
    await shot(sec, 'workshop-console');
    await expectNoSeriousAxeViolations(sec);
  });
});
