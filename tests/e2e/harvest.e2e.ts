import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNote, tableclothDocName } from '../../src/lib/workshops/tablecloth.ts';
import { createBody, createMemberAccount, type MemberAccount } from '../helpers/api-fixtures.ts';
import { createMeeting } from '../helpers/meeting-fixtures.ts';
import { api, cookieFrom, setupAdmin, type AdminSession } from '../helpers/test-server.ts';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchBrowser, snap, startApp, openPage, type E2eApp } from './helpers.ts';

// Issue 7's harvest in three browsers: the secretary (facilitator, laptop) gathers the three
// tablecloths of "Les seniors du parc social – Atelier 1" onto one board; Jacques (tenant
// representative, phone 360 px) groups ideas into a theme with the "Déplacer vers…" menu and the
// keyboard; Mme Etchart (a tenant invited for the day, guest code) and Jacques place their dots;
// the ranking shows live; the secretary makes the top idea an action of the body's action plan.
// Each step is one test so a failing step names itself; later steps need the earlier ones.

let app: E2eApp;
let browser: Browser;
let admin: AdminSession;
let bodyId = '';
let workshopId = '';
let secretary: MemberAccount;
let jacques: MemberAccount;
let guestCookie = '';
const contexts: BrowserContext[] = [];
let sec: Page;
let phone: Page;
let guest: Page;

const PHONE: BrowserContextOptions = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const NOTES: [number, string, number][] = [
  [0, 'Ascenseur dans les résidences de plus de 2 étages', 1],
  [0, 'Bancs et mains courantes dans les allées', 2],
  [1, 'Remplacer la baignoire par une douche', 1],
  [1, 'Barres de maintien douche et WC', 1],
  [2, 'Visite à domicile avec la conseillère sociale', 2]
];

const browse = (cookie: string, opts: BrowserContextOptions = {}) => openPage(browser, app, contexts, cookie, opts);

const live = (page: Page) => page.locator('.live-status[data-status="live"]').waitFor();
const card = (page: Page, text: string) => page.getByRole('article', { name: text });
const group = (page: Page, name: RegExp) => page.getByRole('region', { name });

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  admin = await setupAdmin(app.url, { organisationName: 'Office Démo de l’Habitat', adminName: 'Claire Dumas', email: 'claire.dumas@office-demo.fr', password: 'le jardin des oliviers' });
  bodyId = (await createBody(app.url, admin.cookie, admin.organisationId, { name: 'Groupe de travail seniors', kind: 'working_group' })).id;
  secretary = await createMemberAccount(app.url, admin.cookie, admin.organisationId, { person: { fullName: 'Nadine Berhouet' }, bodyId, membership: { role: 'secretary', college: 'landlord' } });
  jacques = await createMemberAccount(app.url, admin.cookie, admin.organisationId, { person: { fullName: 'Jacques Irigoyen' }, bodyId, membership: { role: 'member', college: 'tenant' } });
  // The workshop and its tablecloths as the live run leaves them (tables set up by E1's pages).
  const [w] = await app.db.query<{ id: string }>('insert into workshops (organisation_id, body_id, title) values ($1, $2, $3) returning id', [
    admin.organisationId,
    bodyId,
    'Les seniors du parc social – Atelier 1'
  ]);
  workshopId = w.id;
  const tables: string[] = [];
  for (const [i, name] of ['La résidence', 'Le logement', 'Le locataire'].entries()) {
    const [t] = await app.db.query<{ id: string }>('insert into workshop_tables (workshop_id, position, name, question) values ($1, $2, $3, $4) returning id', [workshopId, i, name, `Question de la table ${name}`]);
    tables.push(t.id);
  }
  for (const [table, text, round] of NOTES) await app.concerto.services.documents.update(tableclothDocName(tables[table]), (d) => addNote(d, { text, round, authorName: null }));
  const code = await api(app.url, admin.cookie).post(`/organisations/${admin.organisationId}/guest-codes`, { targetKind: 'workshop', targetId: workshopId });
  const joined = await api(app.url).post('/guests/join', { code: code.json.guestCode.code, displayName: 'Mme Etchart' });
  guestCookie = cookieFrom(joined.headers);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.close();
});

describe('world-café harvest', () => {
  it('the facilitator gathers every table’s notes onto one board', async () => {
    sec = await browse(secretary.cookie);
    await sec.goto(`/w/${workshopId}/harvest`);
    await live(sec);
    await expect(sec.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Récolte — Les seniors du parc social – Atelier 1');
    await sec.getByRole('button', { name: 'Rassembler les idées des nappes' }).click();
    for (const [, text] of NOTES) await card(sec, text).waitFor();
    await expect(group(sec, /^Idées non classées/).getByRole('article').count()).resolves.toBe(5);
    await expectNoSeriousAxeViolations(sec);
  });

  it('a participant on a phone groups ideas into a theme with the menu and the keyboard, seen live by the facilitator', async () => {
    phone = await browse(jacques.cookie, PHONE);
    await phone.goto(`/w/${workshopId}/harvest`);
    await live(phone);
    await phone.getByLabel('Nom du nouveau thème').fill('Salle de bains');
    await phone.getByRole('button', { name: 'Créer le thème' }).click();
    await group(sec, /^Salle de bains/).waitFor();

    const bath = card(phone, 'Remplacer la baignoire par une douche');
    await bath.getByLabel('Déplacer vers…').selectOption({ label: 'Salle de bains' });
    await bath.getByRole('button', { name: /^Déplacer/ }).click();
    await group(sec, /^Salle de bains/).getByRole('article', { name: 'Remplacer la baignoire par une douche' }).waitFor();

    // Keyboard: the card of the grab bars, Alt+→ moves it to the next group (the theme), Alt+↑ first in it.
    await card(phone, 'Barres de maintien douche et WC').focus();
    await phone.keyboard.press('Alt+ArrowRight');
    await group(phone, /^Salle de bains/).getByRole('article', { name: 'Barres de maintien douche et WC' }).waitFor();
    await expect(phone.evaluate(() => document.activeElement?.id ?? '')).resolves.toMatch(/^idea-/);
    await phone.keyboard.press('Alt+ArrowUp');
    await expect
      .poll(() => group(sec, /^Salle de bains/).getByRole('article').allTextContents())
      .toEqual([expect.stringContaining('Barres de maintien douche et WC'), expect.stringContaining('Remplacer la baignoire par une douche')]);
    await expectNoHorizontalScroll(phone);
    await expectNoSeriousAxeViolations(phone);
    await snap(phone, 'harvest-phone-grouping');
  });

  it('everyone places dots, including a guest invited for the day, and the ranking shows live', async () => {
    await sec.getByRole('button', { name: 'Ouvrir le vote' }).click();
    await phone.getByText('Il vous reste 5 gommette(s) sur 5.').waitFor();
    const projector = await sec.context().newPage();
    await projector.setViewportSize({ width: 1280, height: 720 });
    await projector.goto(`/w/${workshopId}/harvest/projector`);
    await projector.locator('.projector[data-status="live"]').waitFor();
    await projector.getByText('Aucune gommette placée pour l’instant.').waitFor();
    guest = await browse(guestCookie, PHONE);
    await guest.goto(`/w/${workshopId}/harvest`);
    await live(guest);
    const add = (page: Page, text: string) => page.getByRole('button', { name: `+ Gommette : ${text}` }).click();
    for (let i = 0; i < 3; i++) {
      await add(phone, 'Remplacer la baignoire par une douche');
      await phone.getByText(`Il vous reste ${4 - i} gommette(s) sur 5.`).waitFor();
    }
    await add(guest, 'Remplacer la baignoire par une douche');
    await guest.getByText('Il vous reste 4 gommette(s) sur 5.').waitFor();
    await add(guest, 'Ascenseur dans les résidences de plus de 2 étages');
    await guest.getByText('Il vous reste 3 gommette(s) sur 5.').waitFor();
    const ranking = sec.getByRole('region', { name: 'Classement' });
    await ranking.getByText('1. Remplacer la baignoire par une douche — 4 gommette(s)').waitFor();
    await ranking.getByText('2. Ascenseur dans les résidences de plus de 2 étages — 1 gommette(s)').waitFor();
    // A guest cannot facilitate.
    await expect(guest.getByRole('button', { name: 'Clore le vote' }).count()).resolves.toBe(0);
    await expectNoHorizontalScroll(guest);
    await expectNoSeriousAxeViolations(guest);
    await snap(guest, 'harvest-guest-voting');
    // The same board in English.
    await guest.goto(`/en/w/${workshopId}/harvest`);
    await guest.getByRole('heading', { level: 1, name: 'Harvest — Les seniors du parc social – Atelier 1' }).waitFor();
    await guest.getByText('You have 3 dot(s) left out of 5.').waitFor();
    await guest.getByRole('button', { name: '+ Dot : Bancs et mains courantes dans les allées' }).waitFor();
    await snap(sec, 'harvest-board');
    await projector.getByRole('listitem').filter({ hasText: 'Remplacer la baignoire par une douche' }).getByText('4 gommette(s)').waitFor();
    await expectNoSeriousAxeViolations(projector);
    await snap(projector, 'harvest-projector');
    await projector.close();
  });

  it('without JavaScript, a participant still takes a dot back and places it elsewhere (forms post and come back)', async () => {
    const plain = await browse(jacques.cookie, { ...PHONE, javaScriptEnabled: false });
    await plain.goto(`/w/${workshopId}/harvest`);
    await plain.getByText('Il vous reste 2 gommette(s) sur 5.').waitFor();
    await plain.getByRole('button', { name: '− Retirer : Remplacer la baignoire par une douche' }).click();
    await plain.getByText('Il vous reste 3 gommette(s) sur 5.').waitFor();
    await plain.getByRole('button', { name: '+ Gommette : Bancs et mains courantes dans les allées' }).click();
    await plain.getByText('Il vous reste 2 gommette(s) sur 5.').waitFor();
    // The live pages hear of it.
    const ranking = sec.getByRole('region', { name: 'Classement' });
    await ranking.getByText('1. Remplacer la baignoire par une douche — 3 gommette(s)').waitFor();
    await ranking.getByText('2. Ascenseur dans les résidences de plus de 2 étages — 1 gommette(s)').waitFor();
    await ranking.getByText('2. Bancs et mains courantes dans les allées — 1 gommette(s)').waitFor();
  });

  it('the facilitator closes the vote and makes the top idea an action of the body’s action plan', async () => {
    await sec.getByRole('button', { name: 'Clore le vote' }).click();
    await sec.getByRole('heading', { name: 'Étape : vote clos' }).waitFor();
    const ranking = sec.getByRole('region', { name: 'Classement' });
    await ranking.getByLabel('Échéance (année)').first().selectOption(String(new Date().getFullYear() + 1));
    await ranking.getByRole('button', { name: 'En faire une action : Remplacer la baignoire par une douche' }).click();
    await ranking.getByText('✓ Dans le plan d’actions').waitFor();

    await sec.getByRole('link', { name: 'Voir le plan d’actions de l’instance' }).click();
    await sec.getByRole('heading', { level: 1, name: 'Plan d’actions — Groupe de travail seniors' }).waitFor();
    const year = sec.getByRole('region', { name: `Échéance ${new Date().getFullYear() + 1}` });
    await year.getByRole('heading', { name: 'Remplacer la baignoire par une douche' }).waitFor();
    await year.getByText('Issue de l’atelier « Les seniors du parc social – Atelier 1 »').waitFor();
    await expectNoSeriousAxeViolations(sec);
    await snap(sec, 'action-plan');
  });
});

describe('the body’s action plan', () => {
  it('a manager adds an action (a wrong year is pointed out beside its field), filters by status and changes the status, with its history', async () => {
    await sec.goto(`/o/${(await api(app.url, admin.cookie).get(`/organisations/${admin.organisationId}`)).json.organisation.slug}/bodies/${bodyId}/actions`);
    await sec.getByLabel('Intitulé').fill('Véhicule de démonstration des équipements');
    await sec.getByLabel('Échéance (année)').fill('1850');
    await sec.getByLabel('Ou responsable en texte libre').fill('Service travaux');
    await sec.getByRole('button', { name: 'Ajouter l’action' }).click();
    await sec.getByText('Année entre 2000 et 2100.').waitFor();
    await expect(sec.getByLabel('Intitulé').inputValue()).resolves.toBe('Véhicule de démonstration des équipements');
    await sec.getByLabel('Échéance (année)').fill('2026');
    await sec.getByRole('button', { name: 'Ajouter l’action' }).click();
    await sec.getByText('L’action est ajoutée.').waitFor();
    const y2026 = sec.getByRole('region', { name: 'Échéance 2026' });
    await y2026.getByRole('heading', { name: 'Véhicule de démonstration des équipements' }).waitFor();
    await y2026.getByText('Service travaux').waitFor();

    await sec.getByLabel('Statut', { exact: true }).first().selectOption({ label: 'En cours' });
    await sec.getByRole('button', { name: 'Afficher' }).click();
    await sec.getByText('Aucune action ne correspond à ce filtre.').waitFor();
    await sec.getByLabel('Statut', { exact: true }).first().selectOption({ label: 'À étudier' });
    await sec.getByRole('button', { name: 'Afficher' }).click();
    await sec.getByRole('heading', { name: 'Véhicule de démonstration des équipements' }).waitFor();
    await sec.getByText('2 action(s)').waitFor();

    await sec.getByRole('link', { name: 'Modifier : Véhicule de démonstration des équipements' }).click();
    await sec.getByRole('heading', { level: 1, name: 'Modifier l’action' }).waitFor();
    await sec.getByLabel('Statut', { exact: true }).selectOption({ label: 'En cours' });
    await sec.getByRole('button', { name: 'Enregistrer' }).click();
    await sec.getByText('L’action est enregistrée.').waitFor();
    await sec.getByRole('link', { name: 'Modifier : Véhicule de démonstration des équipements' }).click();
    await sec.getByText(/« À étudier » → « En cours » par Nadine Berhouet/).waitFor();
    await expectNoSeriousAxeViolations(sec);
  });

  it('a manager puts the follow-up of the plan on the agenda of the next meeting, listing the actions by status', async () => {
    const meeting = await createMeeting(app.url, secretary.cookie, bodyId, { title: 'Groupe de travail du 12 mars' });
    await sec.getByRole('link', { name: 'Retour au plan d’actions' }).click();
    await sec.getByLabel('Réunion', { exact: true }).selectOption({ index: 0 });
    await sec.getByRole('button', { name: 'Ajouter le point à l’ordre du jour' }).click();
    await sec.getByText('Le point « Suivi du plan d’actions » est ajouté à l’ordre du jour.').waitFor();
    const state = await api(app.url, secretary.cookie).get(`/meetings/${meeting.id}/state`);
    const item = (state.json.state?.agenda ?? state.json.agenda ?? []).find((i: { title: string }) => i.title === 'Suivi du plan d’actions');
    expect(item?.description).toContain('En cours (1) :\n- Véhicule de démonstration des équipements (échéance 2026, responsable : Service travaux)');
  });

  it('a member reads the plan on a phone without the forms to change it', async () => {
    phone = await browse(jacques.cookie, PHONE);
    const slug = (await api(app.url, admin.cookie).get(`/organisations/${admin.organisationId}`)).json.organisation.slug;
    await phone.goto(`/o/${slug}/bodies/${bodyId}`);
    await phone.getByRole('link', { name: 'Plan d’actions' }).click();
    await phone.getByRole('heading', { name: 'Véhicule de démonstration des équipements' }).waitFor();
    await expect(phone.getByRole('button', { name: 'Ajouter l’action' }).count()).resolves.toBe(0);
    await expect(phone.getByRole('link', { name: /^Modifier/ }).count()).resolves.toBe(0);
    await expectNoHorizontalScroll(phone);
    await expectNoSeriousAxeViolations(phone);
    await snap(phone, 'action-plan-phone');
  });
});
