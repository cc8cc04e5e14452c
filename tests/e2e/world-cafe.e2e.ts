import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMembership, createBody, createMemberAccount, createPerson, type MemberAccount } from '../helpers/api-fixtures.ts';
import { setupAdmin, type AdminSession } from '../helpers/test-server.ts';
import { expectDocxText, expectPdfWithPoppler } from './documents.ts';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchBrowser, pathOf, repoRoot, startApp, openPage, screenshot, type E2eApp } from './helpers.ts';

// Issue 7 end to end, in five browsers: the secretary of the seniors' working group (the
// facilitator, on a laptop, with the room's projector) prepares "Les seniors du parc social –
// Atelier 1"; Jean (tenant representative) and Marie (landlord staff) follow on 360 px phones;
// Josette, a tenant invited for the day without an account, types the code shown on the
// projector. Two short rounds: each phone says which table to go to and shows its question;
// everyone writes on their table's tablecloth; at the next round each phone moves on and reads
// what the previous group left. Then the harvest: every table's notes on one board, themes (a
// menu on a phone, drag and drop on the laptop), five dots each for the three participants,
// the ranking live, and the top idea becomes an action of the body's action plan.
// Each step is one test so a failing step names itself; later steps need the earlier ones.

const SCREENSHOTS = join(repoRoot, 'tests', 'e2e', 'screenshots');
const SHOTS = ['world-cafe-projector', 'world-cafe-phone', 'world-cafe-harvest'] as const;

const TITLE = 'Les seniors du parc social – Atelier 1';
const QUESTIONS: Record<string, string> = {
  'La résidence': 'Qu’est-ce qui rend une résidence agréable quand on vieillit ?',
  'Le logement': 'Quels travaux pour rester chez soi le plus longtemps possible ?',
  'Le locataire': 'Comment rompre l’isolement des locataires âgés ?'
};
const PHONE: BrowserContextOptions = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

interface Participant {
  name: string;
  page: Page;
  /** The notes this person writes, round 1 then round 2. */
  notes: [string, string];
  /** The table their phone sent them to, per round. */
  tables: string[];
}

let app: E2eApp;
let browser: Browser;
let admin: AdminSession;
let bodyId = '';
let workshopId = '';
let secretary: MemberAccount;
let jean: MemberAccount;
let marie: MemberAccount;
const contexts: BrowserContext[] = [];
let sec: Page;
let projector: Page;
const people: Participant[] = [];
/** Round 1's notes by the table they were written at. */
const writtenAt = new Map<string, string[]>();

const browse = (cookie: string | null, opts: BrowserContextOptions = {}) => openPage(browser, app, contexts, cookie, opts);

/** A full-page screenshot in tests/e2e/screenshots/, checked to be a real PNG on disk. */
async function shot(page: Page, name: string): Promise<void> {
  const path = await screenshot(page, SCREENSHOTS, name);
  const png = readFileSync(path);
  expect([...png.subarray(0, 8)], `${path} is a PNG`).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.length, `${path} has an image in it`).toBeGreaterThan(10_000);
}

const goHeading = (page: Page) => page.getByRole('heading', { level: 1, name: /^Allez à la table : / });
async function tableOf(page: Page): Promise<string> {
  return ((await goHeading(page).textContent()) ?? '').replace(/^Allez à la table : /, '').trim();
}
/** The tablecloth has synced with the Yjs server: notes can be written. */
const clothReady = (page: Page) => page.locator('.cloth[data-synced="true"]').waitFor();
const note = (page: Page, text: string) => page.locator('.cloth .note', { hasText: text });

async function writeNote(p: Participant, text: string, colour: string): Promise<void> {
  await clothReady(p.page);
  await p.page.getByLabel('Votre idée (courte)').fill(text);
  await p.page.getByText(colour, { exact: true }).click();
  await p.page.getByRole('button', { name: 'Ajouter la note' }).click();
  await note(p.page, text).waitFor();
}

// Harvest board.
const live = (page: Page) => page.locator('.live-status[data-status="live"]').waitFor();
const card = (page: Page, text: string) => page.getByRole('article', { name: text });
const group = (page: Page, name: RegExp) => page.getByRole('region', { name });

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const s of SHOTS) rmSync(join(SCREENSHOTS, `${s}.png`), { force: true });
  app = await startApp();
  browser = await launchBrowser();
  admin = await setupAdmin(app.url, { organisationName: 'Office Démo de l’Habitat', adminName: 'Claire Dumas', email: 'claire.dumas@office-demo.fr', password: 'le jardin des oliviers' });
  bodyId = (await createBody(app.url, admin.cookie, admin.organisationId, { name: 'Groupe de travail seniors', kind: 'working_group' })).id;
  secretary = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Nadine Berhouet', email: 'nadine.berhouet@office-demo.fr' },
    bodyId,
    membership: { role: 'secretary', college: 'landlord' }
  });
  jean = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Jean Moreau', email: 'jean.moreau@exemple.fr' },
    bodyId,
    membership: { role: 'member', college: 'tenant' }
  });
  marie = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Marie Lefèvre', email: 'marie.lefevre@office-demo.fr' },
    bodyId,
    membership: { role: 'member', college: 'landlord' }
  });
  // Two members without an account (they take part on paper); Paul hosts a table.
  for (const [fullName, college] of [
    ['Paul Durand', 'landlord'],
    ['Anne Leroy', 'tenant']
  ] as const) {
    const p = await createPerson(app.url, admin.cookie, admin.organisationId, { fullName, email: null });
    await addMembership(app.url, admin.cookie, bodyId, p.id, { role: 'member', college });
  }
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.close();
});

describe('a world café from preparation to action plan', () => {
  it('the facilitator prepares the workshop: three tables with their questions, two short rounds, the members, a host and the join code', async () => {
    sec = await browse(secretary.cookie);
    await sec.goto(`/w/body/${bodyId}`);
    await sec.getByLabel('Titre', { exact: true }).fill(TITLE);
    await sec.getByLabel('Nombre de tours').fill('2');
    await sec.getByLabel('Durée d’un tour (minutes)').fill('1');
    for (const [i, question] of Object.values(QUESTIONS).entries()) await sec.getByLabel(`Question de la table ${i + 1}`).fill(question);
    await sec.getByRole('button', { name: 'Créer l’atelier' }).click();
    await sec.waitForURL(/\/w\/[0-9a-f-]{36}$/);
    workshopId = pathOf(sec).split('/')[2];
    await sec.getByRole('heading', { level: 1, name: TITLE }).waitFor();

    await sec.getByRole('button', { name: 'Ajouter tous les membres de l’instance' }).click();
    await sec.getByText('Participants (5)').waitFor();
    await sec.locator('select[name="hostParticipantId"]').first().selectOption({ label: 'Paul Durand' });
    await sec.getByRole('button', { name: 'Enregistrer la table La résidence' }).click();
    await sec.getByText('Enregistré.').waitFor();
    await sec.getByRole('button', { name: 'Créer le code et le QR code' }).click();
    await sec.locator('.code').waitFor();
    await expectNoSeriousAxeViolations(sec);
  });

  it('the projector shows the QR code and the code; Josette types it on her phone, Jean and Marie open theirs', async () => {
    projector = await browse(secretary.cookie, { viewport: { width: 1280, height: 720 } });
    await projector.goto(`/w/${workshopId}/screen`);
    await projector.locator('.qr svg').waitFor();
    const code = ((await projector.locator('.bigcode').textContent()) ?? '').trim();
    expect(code).toMatch(/^[A-Z0-9]{6}$/);

    // The QR code's address without its code: she types what the screen shows.
    const josette = await browse(null, PHONE);
    await josette.goto(`/w/${workshopId}/join`);
    await josette.getByLabel('Code de l’atelier').fill(code.toLowerCase());
    await josette.getByLabel('Votre prénom ou nom').fill('Josette');
    await josette.getByRole('button', { name: 'Rejoindre' }).click();
    await josette.waitForURL(new RegExp(`/w/${workshopId}/table$`));
    await josette.getByText('L’atelier n’a pas commencé.').waitFor();

    const jeanPhone = await browse(jean.cookie, PHONE);
    const mariePhone = await browse(marie.cookie, PHONE);
    for (const page of [jeanPhone, mariePhone]) {
      await page.goto(`/w/${workshopId}/table`);
      await page.getByText('L’atelier n’a pas commencé.').waitFor();
    }
    people.push(
      { name: 'Jean Moreau', page: jeanPhone, notes: ['Des bancs à l’ombre devant l’entrée', 'Une douche à l’italienne au lieu de la baignoire'], tables: [] },
      { name: 'Marie Lefèvre', page: mariePhone, notes: ['Un interphone avec écran pour les malentendants', 'Un café des voisins une fois par mois'], tables: [] },
      { name: 'Josette', page: josette, notes: ['Des mains courantes dans les escaliers', 'Des visites de courtoisie pendant l’hiver'], tables: [] }
    );
    // The guest is on the workshop's list, marked as invited.
    await sec.reload();
    await sec.getByText('Participants (6)').waitFor();
    await expect(sec.locator('.people li', { hasText: 'Josette' }).getByText('invité').count()).resolves.toBe(1);
  });

  it('the facilitator proposes a plan and starts: each phone says which table to go to and shows its question, the projector the timer', async () => {
    await sec.getByRole('button', { name: 'Proposer un plan' }).click();
    await sec.getByText('Le plan respecte les règles').or(sec.getByText('Points d’attention')).first().waitFor();
    await sec.goto(`/w/${workshopId}/console`);
    await sec.getByRole('button', { name: 'Lancer le premier tour' }).click();
    for (const page of [projector, ...people.map((p) => p.page)]) await page.locator('[data-round="1"]').waitFor();
    for (const p of people) {
      await goHeading(p.page).waitFor();
      const table = await tableOf(p.page);
      expect(Object.keys(QUESTIONS), `${p.name}'s table`).toContain(table);
      p.tables.push(table);
      await expect(p.page.locator('.question p').textContent()).resolves.toBe(QUESTIONS[table]);
      await p.page.getByText('Tour 1 sur 2').waitFor();
      await p.page.getByRole('timer').waitFor();
    }
    await projector.getByRole('timer').waitFor();
    await projector.getByText('Tour 1 sur 2').waitFor();
    // The projector lists who sits where: each participant under the table their phone shows.
    for (const p of people) await projector.locator('.assign > li', { hasText: p.tables[0] }).getByText(p.name, { exact: true }).waitFor();
    await expectNoHorizontalScroll(people[0].page);
    await expectNoSeriousAxeViolations(sec);
  });

  it('round 1: each participant writes a note on their table’s tablecloth, seen by whoever shares the table', async () => {
    const colours = ['Jaune', 'Bleu', 'Vert'];
    for (const [i, p] of people.entries()) {
      await writeNote(p, p.notes[0], colours[i]);
      writtenAt.set(p.tables[0], [...(writtenAt.get(p.tables[0]) ?? []), p.notes[0]]);
    }
    // Signed with the author's name (the facilitator did not choose anonymous notes).
    await expect(note(people[2].page, people[2].notes[0]).locator('.author').textContent()).resolves.toBe('Josette');
    for (const p of people) {
      for (const text of writtenAt.get(p.tables[0]) ?? []) await note(p.page, text).waitFor();
    }
    await expectNoSeriousAxeViolations(people[2].page);
    await expectNoHorizontalScroll(people[2].page);
  });

  it('round 2: every phone moves to another table and reads what the previous group left there; new notes go to round 2', async () => {
    await sec.getByRole('button', { name: 'Tour suivant' }).click();
    for (const page of [projector, ...people.map((p) => p.page)]) await page.locator('[data-round="2"]').waitFor();
    for (const p of people) {
      await p.page.getByText('Tour 2 sur 2').waitFor();
      const table = await tableOf(p.page);
      expect(table, `${p.name} changes table`).not.toBe(p.tables[0]);
      p.tables.push(table);
      await expect(p.page.locator('.question p').textContent()).resolves.toBe(QUESTIONS[table]);
      await clothReady(p.page);
      // The notes left at this table in round 1, under "Tour 1".
      for (const text of writtenAt.get(table) ?? []) await note(p.page, text).waitFor();
    }
    const colours = ['Rose', 'Orange', 'Jaune'];
    for (const [i, p] of people.entries()) await writeNote(p, p.notes[1], colours[i]);
    for (const p of people) {
      const round2 = p.page.locator('.cloth h4', { hasText: 'Tour 2' }).locator('xpath=following-sibling::ul[1]');
      await round2.locator('.note', { hasText: p.notes[1] }).waitFor();
    }
    await projector.getByText('Tour 2 sur 2').waitFor();
    await projector.getByRole('timer').waitFor();
    await expectNoSeriousAxeViolations(projector);
    await shot(projector, 'world-cafe-projector');
    const guest = people[2].page;
    await expectNoHorizontalScroll(guest);
    await expectNoSeriousAxeViolations(guest);
    await shot(guest, 'world-cafe-phone');
  });

  it('the facilitator closes the workshop: the phones say so and the tablecloths turn read-only', async () => {
    sec.once('dialog', (d) => void d.accept());
    await sec.getByRole('button', { name: 'Clore l’atelier' }).click();
    for (const p of people) {
      await p.page.getByText('L’atelier est terminé. Merci !').waitFor();
      await expect(p.page.getByRole('button', { name: 'Ajouter la note' }).count()).resolves.toBe(0);
    }
  });

  it('the harvest gathers all six notes onto one board; a phone makes a theme and files ideas by menu, the facilitator by drag and drop', async () => {
    await sec.goto(`/w/${workshopId}/harvest`);
    await live(sec);
    await sec.getByRole('heading', { level: 1, name: `Récolte — ${TITLE}` }).waitFor();
    await sec.getByRole('button', { name: 'Rassembler les idées des nappes' }).click();
    const all = people.flatMap((p) => p.notes);
    for (const text of all) await card(sec, text).waitFor();
    await expect(group(sec, /^Idées non classées/).getByRole('article').count()).resolves.toBe(6);
    // Each idea says where it came from.
    await card(sec, people[2].notes[0]).getByText(`${people[2].tables[0]}, tour 1`, { exact: false }).waitFor();

    // Jean, on his phone, from the workshop page's link.
    const jeanPhone = people[0].page;
    await jeanPhone.goto(`/w/${workshopId}`);
    await jeanPhone.getByRole('link', { name: 'Récolte : idées, thèmes et gommettes' }).click();
    await live(jeanPhone);
    await jeanPhone.getByLabel('Nom du nouveau thème').fill('Sécurité dans la résidence');
    await jeanPhone.getByRole('button', { name: 'Créer le thème' }).click();
    await group(sec, /^Sécurité dans la résidence/).waitFor();
    const rails = card(jeanPhone, people[2].notes[0]);
    await rails.getByLabel('Déplacer vers…').selectOption({ label: 'Sécurité dans la résidence' });
    await rails.getByRole('button', { name: /^Déplacer/ }).click();
    await group(sec, /^Sécurité dans la résidence/).getByRole('article', { name: people[2].notes[0] }).waitFor();

    // The facilitator drags the intercom idea into the same theme; Jean sees it arrive. A tall
    // window shows the whole board, so the card and the theme are both on screen as for a person
    // (a mouse drag that needs the page to scroll under it picks the wrong card in Chromium).
    await sec.setViewportSize({ width: 1280, height: 3000 });
    await card(sec, people[1].notes[0]).dragTo(group(sec, /^Sécurité dans la résidence/));
    await group(jeanPhone, /^Sécurité dans la résidence/).getByRole('article', { name: people[1].notes[0] }).waitFor();
    await expect(group(sec, /^Idées non classées/).getByRole('article').count()).resolves.toBe(4);
    await sec.setViewportSize({ width: 1024, height: 800 });
    await expectNoHorizontalScroll(jeanPhone);
    await expectNoSeriousAxeViolations(jeanPhone);
  });

  it('the three participants place their dots and the ranking shows live', async () => {
    await sec.getByRole('button', { name: 'Ouvrir le vote' }).click();
    const [jeanP, marieP, josetteP] = people;
    for (const p of [marieP, josetteP]) {
      await p.page.goto(`/w/${workshopId}/harvest`);
      await live(p.page);
    }
    for (const p of people) await p.page.getByText('Il vous reste 5 gommette(s) sur 5.').waitFor();
    const top = josetteP.notes[0];
    const dot = async (p: Participant, text: string, leftAfter: number) => {
      await p.page.getByRole('button', { name: `+ Gommette : ${text}` }).click();
      await p.page.getByText(`Il vous reste ${leftAfter} gommette(s) sur 5.`).waitFor();
    };
    await dot(jeanP, top, 4);
    await dot(jeanP, top, 3);
    await dot(marieP, top, 4);
    await dot(marieP, jeanP.notes[1], 3);
    await dot(josetteP, top, 4);
    await dot(josetteP, marieP.notes[1], 3);
    // Live ranking, on the facilitator's board and on every phone.
    for (const page of [sec, ...people.map((p) => p.page)]) {
      const ranking = page.getByRole('region', { name: 'Classement' });
      await ranking.getByText(`1. ${top} — 4 gommette(s)`).waitFor();
      await ranking.getByText(`2. ${jeanP.notes[1]} — 1 gommette(s)`).waitFor();
      await ranking.getByText(`2. ${marieP.notes[1]} — 1 gommette(s)`).waitFor();
    }
    // A guest does not facilitate.
    await expect(josetteP.page.getByRole('button', { name: 'Clore le vote' }).count()).resolves.toBe(0);
    await expectNoHorizontalScroll(josetteP.page);
    await expectNoSeriousAxeViolations(josetteP.page);
    await expectNoSeriousAxeViolations(sec);
    await shot(sec, 'world-cafe-harvest');
  });

  it('the facilitator closes the vote and makes the top idea an action of the body’s action plan', async () => {
    const top = people[2].notes[0];
    const horizon = String(new Date().getFullYear() + 1);
    await sec.getByRole('button', { name: 'Clore le vote' }).click();
    await sec.getByRole('heading', { name: 'Étape : vote clos' }).waitFor();
    const ranking = sec.getByRole('region', { name: 'Classement' });
    await ranking.getByLabel('Échéance (année)').first().selectOption(horizon);
    await ranking.getByRole('button', { name: `En faire une action : ${top}` }).click();
    await ranking.getByText('✓ Dans le plan d’actions').waitFor();

    await sec.getByRole('link', { name: 'Voir le plan d’actions de l’instance' }).click();
    await sec.getByRole('heading', { level: 1, name: 'Plan d’actions — Groupe de travail seniors' }).waitFor();
    const year = sec.getByRole('region', { name: `Échéance ${horizon}` });
    await year.getByRole('heading', { name: top }).waitFor();
    await year.getByText(`Issue de l’atelier « ${TITLE} »`).waitFor();
    await expectNoSeriousAxeViolations(sec);
  });

  it('the synthesis downloads as PDF (tagged, read back by poppler) and Word, with the tables, the themes and the action', async () => {
    await sec.goto(`/w/${workshopId}/harvest`);
    const expected = [
      TITLE,
      'Synthèse de l’atelier',
      ...Object.values(QUESTIONS),
      'Sécurité dans la résidence',
      ...people.flatMap((p) => p.notes),
      'Priorités (vote par gommettes)',
      'Actions retenues'
    ];
    const pdfRes = await sec.request.get((await sec.getByRole('link', { name: 'Synthèse (PDF)' }).getAttribute('href'))!);
    expect(pdfRes.status()).toBe(200);
    expectPdfWithPoppler(await pdfRes.body(), expected, 'workshop synthesis as PDF');
    const docxRes = await sec.request.get((await sec.getByRole('link', { name: 'Synthèse (Word)' }).getAttribute('href'))!);
    expect(docxRes.status()).toBe(200);
    expectDocxText(await docxRes.body(), expected, 'workshop synthesis as DOCX');
  });

  it('wrote the three screenshots', () => {
    for (const s of SHOTS) expect(existsSync(join(SCREENSHOTS, `${s}.png`)), `${s}.png`).toBe(true);
  });
});
