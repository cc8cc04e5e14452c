import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMembership, createBody, createMemberAccount, createPerson, type MemberAccount } from '../helpers/api-fixtures.ts';
import { api, setupAdmin, type AdminSession } from '../helpers/test-server.ts';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchBrowser, pathOf, repoRoot, startApp, openPage, screenshot, type E2eApp } from './helpers.ts';

// Issue 4's story in three browsers: the secretary of a CCL prepares a meeting of three items,
// convenes it and opens it; Jean Moreau (tenant representative) follows on his phone, remotely;
// Lucie Bernard checks in with the room's QR code, then has to leave and gives her proxy to Jean;
// the secretary checks Paul Durand in; the quorum is met; the secretary leads the three items,
// gives the floor to Jean who asked from his phone, ends his turn, and closes the meeting.
// The org, people and accounts are set up through the API; the meeting itself runs in the UI.
// Each step is one test so a failing step names itself; later steps need the earlier ones.

const SCREENSHOTS = join(repoRoot, 'test-results', 'screenshots');
const ITEMS = [
  { title: 'Renouvellement du contrat de gaz propane', kind: 'decision', presenter: 'Sophie Marchand', minutes: '20' },
  { title: 'Performance énergétique du patrimoine (DPE)', kind: 'information', presenter: '', minutes: '15' },
  { title: 'Contrat des espaces verts', kind: 'consultation', presenter: 'Groupe de travail', minutes: '10' }
];

let app: E2eApp;
let browser: Browser;
let admin: AdminSession;
let bodyId = '';
let meetingId = '';
let secretary: MemberAccount;
let jean: MemberAccount;
let lucie: MemberAccount;
const contexts: BrowserContext[] = [];
let sec: Page; // the secretary's laptop
let projector: Page; // the big screen, on the secretary's laptop
let phone: Page; // Jean's phone, 360 px wide
let lucPhone: Page; // Lucie's phone

const browse = (account: MemberAccount, opts: BrowserContextOptions = {}) => openPage(browser, app, contexts, account.cookie, opts);

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, SCREENSHOTS, name);
}

/** The page's live link is up (the meeting client joined the room). */
const connected = (page: Page) => page.locator('[data-connected="true"]').waitFor();
const visible = (l: Locator) => l.first().waitFor({ state: 'visible' });
const QUORUM_MET = 'Quorum atteint : 3 présents ou représentés sur 4, il en faut 3';

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  admin = await setupAdmin(app.url, { organisationName: 'Office Démo de l’Habitat', adminName: 'Claire Dumas', email: 'claire.dumas@office-demo.fr', password: 'le jardin des oliviers' });
  const body = await createBody(app.url, admin.cookie, admin.organisationId, { name: 'CCL du patrimoine', kind: 'ccl' });
  bodyId = body.id;
  secretary = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Sophie Marchand', email: 'sophie.marchand@office-demo.fr' },
    bodyId,
    membership: { role: 'secretary', college: 'landlord', votingRight: false }
  });
  jean = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Jean Moreau', email: 'jean.moreau@exemple.fr' },
    bodyId,
    membership: { role: 'member', college: 'tenant', affiliation: 'cnl', votingRight: true }
  });
  lucie = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Lucie Bernard', email: 'lucie.bernard@exemple.fr' },
    bodyId,
    membership: { role: 'member', college: 'tenant', affiliation: 'clcv', votingRight: true }
  });
  // Two more voting members without an account: four voting members, so the quorum is three.
  const paul = await createPerson(app.url, admin.cookie, admin.organisationId, { fullName: 'Paul Durand', email: null });
  await addMembership(app.url, admin.cookie, bodyId, paul.id, { role: 'chair', college: 'landlord', votingRight: true });
  const anne = await createPerson(app.url, admin.cookie, admin.organisationId, { fullName: 'Anne Leroy', email: null });
  await addMembership(app.url, admin.cookie, bodyId, anne.id, { role: 'member', college: 'tenant', votingRight: true });

  sec = await browse(secretary, { viewport: { width: 1280, height: 900 } });
  phone = await browse(jean, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  lucPhone = await browse(lucie, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.close();
});

describe('a hybrid CCL meeting of three items, end to end', () => {
  it('lets the secretary create the meeting from the body’s meeting list (date typed as Paris time)', async () => {
    await sec.goto(`/m/body/${bodyId}`);
    await expect(sec.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Réunions : CCL du patrimoine');
    await expectNoSeriousAxeViolations(sec);
    await sec.getByRole('link', { name: 'Nouvelle réunion' }).click();
    await sec.waitForURL((u) => u.pathname === `/m/new/${bodyId}`);
    await expectNoSeriousAxeViolations(sec);
    await shot(sec, 'meeting-new');
    await sec.getByLabel('Titre', { exact: true }).fill('CCL du 6 juin');
    await sec.getByLabel('Date et heure').fill('2026-06-06T14:00');
    await sec.getByLabel('Lieu').fill('Salle du conseil, siège de l’office');
    await sec.getByRole('button', { name: 'Créer la réunion' }).click();
    await sec.waitForURL((u) => /^\/m\/[0-9a-f-]{36}$/.test(u.pathname));
    meetingId = pathOf(sec).split('/')[2];
    await visible(sec.getByText("La réunion est créée. Préparez maintenant l'ordre du jour."));
    await visible(sec.getByText('samedi 6 juin 2026 à 14:00'));
    await visible(sec.getByText('Brouillon'));
    const res = await api(app.url, secretary.cookie).get(`/meetings/${meetingId}`);
    expect(res.json.meeting.startsAt).toBe('2026-06-06T12:00:00.000Z');
  });

  it('builds the agenda of three items, and reorders it with the keyboard (Monter / Descendre)', async () => {
    await connected(sec);
    for (const item of ITEMS) {
      await sec.locator('#add-title').fill(item.title);
      await sec.locator('#add-kind').selectOption(item.kind);
      await sec.locator('#add-presenter').fill(item.presenter);
      await sec.locator('#add-minutes').fill(item.minutes);
      await sec.getByRole('button', { name: "Ajouter le point à l'ordre du jour" }).click();
      await visible(sec.getByRole('heading', { level: 3, name: item.title }));
    }
    const titles = () => sec.locator('.agenda .item-title').allTextContents();
    expect((await titles()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(ITEMS.map((i, n) => `${n + 1}. ${i.title}`));
    await visible(sec.getByText('Points : 3 · Durée prévue : 45 min'));

    // Keyboard: focus "Monter" on item 3 and press Enter; the focus stays on the moved item's button.
    await sec.getByRole('button', { name: `Monter le point 3 « ${ITEMS[2].title} »` }).focus();
    await sec.keyboard.press('Enter');
    await expect.poll(async () => (await titles())[1]).toContain(ITEMS[2].title);
    await expect.poll(() => sec.evaluate(() => document.activeElement?.textContent?.trim())).toContain('Monter');
    await sec.getByRole('button', { name: `Descendre le point 2 « ${ITEMS[2].title} »` }).click();
    await expect.poll(async () => (await titles())[2]).toContain(ITEMS[2].title);
  });

  it('prepares the agenda without JavaScript too, and a colleague’s open page follows each change live', async () => {
    const plain = await browse(secretary, { javaScriptEnabled: false });
    await plain.goto(`/m/${meetingId}`);
    await plain.locator('#add-title').fill('Questions diverses');
    await plain.locator('#add-minutes').fill('5');
    await plain.getByRole('button', { name: "Ajouter le point à l'ordre du jour" }).click();
    await visible(plain.getByText("Le point est ajouté à l'ordre du jour."));
    await visible(sec.getByRole('heading', { level: 3, name: 'Questions diverses' }));

    await plain.getByText('Modifier le point 4 « Questions diverses »').click();
    await plain.locator('details[open] input[name="title"]').fill('Questions diverses et calendrier');
    await plain.getByRole('button', { name: 'Enregistrer le point 4 « Questions diverses »' }).click();
    await visible(plain.getByText('Le point est enregistré.'));
    await visible(sec.getByRole('heading', { level: 3, name: 'Questions diverses et calendrier' }));

    await plain.getByRole('button', { name: 'Monter le point 4 « Questions diverses et calendrier »' }).click();
    await visible(plain.getByText('Le point est déplacé.'));
    await visible(sec.getByRole('heading', { level: 3, name: '3. Questions diverses et calendrier' }));

    await plain.getByText('Retirer le point 3 « Questions diverses et calendrier »').click();
    await plain.getByRole('button', { name: 'Confirmer le retrait du point 3 « Questions diverses et calendrier »' }).click();
    await visible(plain.getByText("Le point est retiré de l'ordre du jour."));
    await sec.getByRole('heading', { level: 3, name: 'Questions diverses et calendrier' }).waitFor({ state: 'detached' });
    await plain.context().close();
  });

  it('shows a member’s proposal to the secretary live, who declines it with a reason the member sees', async () => {
    await phone.goto(`/m/${meetingId}`);
    await connected(phone);
    await phone.locator('#propose-title').fill('Stationnement devant la résidence');
    await phone.getByRole('button', { name: 'Envoyer ma proposition' }).click();
    await visible(phone.getByText('Votre proposition est envoyée'));
    // The secretary's page was not reloaded: the proposal arrives over Socket.IO.
    await visible(sec.getByRole('button', { name: 'Accepter la proposition « Stationnement devant la résidence »' }));
    await sec.getByText('Refuser…').click();
    await sec.getByLabel('Raison du refus').fill('Sujet traité au conseil de quartier du 12 juin.');
    await sec.getByRole('button', { name: 'Refuser la proposition « Stationnement devant la résidence »' }).click();
    await visible(phone.getByText('Raison : Sujet traité au conseil de quartier du 12 juin.'));
    await shot(phone, 'meeting-preparation-member-360');
    await expectNoSeriousAxeViolations(phone);
    await expectNoHorizontalScroll(phone);
  });

  it('convenes the members and opens the meeting, each after a confirmation', async () => {
    await sec.getByText('Convoquer les membres…').click();
    await sec.getByRole('button', { name: 'Confirmer la convocation' }).click();
    await visible(sec.getByText('Les membres sont convoqués.'));
    await visible(sec.locator('.status-badge', { hasText: 'Convoquée' }));
    expect((await sec.request.get(`/api/v1/meetings/${meetingId}/convocation.ics`)).headers()['content-type']).toContain('text/calendar');
    await expectNoSeriousAxeViolations(sec);
    await sec.getByText('Ouvrir la séance…').click();
    await sec.getByRole('button', { name: "Confirmer l'ouverture de la séance" }).click();
    await visible(sec.locator('.status-badge', { hasText: 'En cours' }));
    await shot(sec, 'meeting-preparation');
  });

  it('checks Lucie in by the room’s QR code, and Jean remotely from his phone (360 px)', async () => {
    await sec.goto(`/m/${meetingId}/console`);
    await connected(sec);
    await visible(sec.getByRole('img', { name: 'QR code de pointage en salle' }));
    const code = (await api(app.url, secretary.cookie).get(`/meetings/${meetingId}`)).json.meeting.checkinCode as string;

    await lucPhone.goto(`/m/${meetingId}/checkin?code=${code}`);
    await expectNoSeriousAxeViolations(lucPhone);
    await shot(lucPhone, 'meeting-checkin');
    await lucPhone.getByRole('button', { name: 'Je suis dans la salle' }).click();
    await lucPhone.waitForURL((u) => u.pathname === `/m/${meetingId}/live`);
    await visible(lucPhone.getByText('Vous êtes pointé présent en salle.'));
    await visible(lucPhone.getByText(/Vous êtes : Présent en salle, depuis/));

    await phone.goto(`/m/${meetingId}/live`);
    await connected(phone);
    await phone.getByRole('button', { name: 'Je suis à distance' }).click();
    await visible(phone.getByText(/Vous êtes : À distance, depuis/));
    await visible(sec.getByText(/À distance — arrivée à/));

    // 200 % zoom on a 1280 px laptop: the console reflows into one column.
    await sec.setViewportSize({ width: 640, height: 900 });
    await expectNoHorizontalScroll(sec);
    await sec.setViewportSize({ width: 1280, height: 900 });
  });

  it('explains a refused proxy in words, then records Lucie’s proxy to Jean when she has to leave', async () => {
    await connected(lucPhone);
    await lucPhone.getByRole('button', { name: 'Je quitte la séance' }).click();
    await visible(lucPhone.getByText('Vous êtes : Absent.'));
    await lucPhone.getByLabel('Donner mon pouvoir à').selectOption({ label: 'Paul Durand' });
    await lucPhone.getByRole('button', { name: 'Donner mon pouvoir à Paul Durand' }).click();
    await visible(lucPhone.getByText('Le pouvoir doit rester dans le même collège (locataires), or ce membre est du collège bailleur.'));
    await lucPhone.getByLabel('Donner mon pouvoir à').selectOption({ label: 'Jean Moreau' });
    await lucPhone.getByRole('button', { name: 'Donner mon pouvoir à Jean Moreau' }).click();
    await visible(lucPhone.getByText('Vous êtes représenté par Jean Moreau.'));
    await shot(lucPhone, 'meeting-phone-proxy');
    await visible(sec.getByText('Représenté par Jean Moreau'));
    await visible(sec.getByText('Détient le pouvoir de : Lucie Bernard'));
  });

  it('lets the secretary check Paul in, and every view shows the quorum met with its numbers', async () => {
    await visible(sec.getByText('Quorum non atteint : 2 présents ou représentés sur 4, il en faut 3'));
    await sec.getByRole('button', { name: /^Présent en salle\W+Paul Durand$/ }).click();
    await visible(sec.getByText(QUORUM_MET));
    await visible(phone.getByText(QUORUM_MET));
    projector = await sec.context().newPage();
    await projector.setViewportSize({ width: 1280, height: 720 });
    await projector.goto(`/m/${meetingId}/projector`);
    await connected(projector);
    await visible(projector.getByText(QUORUM_MET));
    expect(await projector.locator('.site-header').isVisible()).toBe(false);
  });

  it('moves through the items while the phone and the projector follow; Jean asks to speak and gets the floor', async () => {
    await sec.getByRole('button', { name: `Commencer par le point 1 « ${ITEMS[0].title} »` }).click();
    await visible(phone.locator('.current-name', { hasText: ITEMS[0].title }));
    await visible(projector.locator('.item', { hasText: ITEMS[0].title }));

    await sec.getByRole('button', { name: 'Ouvrir la liste des prises de parole' }).click();
    await phone.getByRole('button', { name: 'Demander la parole' }).click();
    await visible(phone.getByText('Votre demande est enregistrée : vous êtes n° 1 dans la file.'));
    await visible(projector.locator('.next li', { hasText: 'Jean Moreau' }));
    await sec.getByRole('button', { name: 'Donner la parole à Jean Moreau' }).click();
    await visible(phone.locator('.speaker', { hasText: 'Vous avez la parole.' }));
    await visible(projector.locator('.speaker', { hasText: 'Jean Moreau' }));
    await visible(sec.getByText(/Jean Moreau a la parole depuis/));

    await sec.getByLabel(/Notes et décision/).fill('Offre retenue : baisse de 29 % de la facture énergétique des locataires.');
    await sec.getByRole('button', { name: 'Enregistrer les notes' }).click();
    await visible(sec.getByText('Notes enregistrées.'));

    await shot(sec, 'meeting-console');
    await shot(phone, 'meeting-phone-360');
    await shot(projector, 'meeting-projector');
    await expectNoSeriousAxeViolations(sec);
    await expectNoSeriousAxeViolations(phone);
    await expectNoHorizontalScroll(phone);
    await expectNoSeriousAxeViolations(projector);

    await sec.getByRole('button', { name: "Terminer l'intervention de Jean Moreau" }).click();
    await visible(phone.locator('.speaker', { hasText: "Personne n'a la parole." }));
    await visible(sec.getByText(/Jean Moreau : \d+ s/));
  });

  it('gives a phone that lost its connection the current state when it comes back', async () => {
    const sockets = await app.concerto.io.fetchSockets();
    for (const s of sockets) if (s.data.principal?.id === jean.userId) s.disconnect(true);
    await visible(phone.getByText('Connexion perdue, reconnexion…'));
    // While the phone is away the secretary moves on; the phone catches up when it reconnects.
    await sec.getByRole('button', { name: `Point suivant : point 2 « ${ITEMS[1].title} »` }).click();
    await visible(phone.locator('.current-name', { hasText: ITEMS[1].title }));
    expect(await phone.getByText('Connexion perdue, reconnexion…').count()).toBe(0);
    await visible(projector.locator('.item', { hasText: ITEMS[1].title }));
    await sec.getByRole('button', { name: `Point suivant : point 3 « ${ITEMS[2].title} »` }).click();
    await visible(phone.locator('.current-name', { hasText: ITEMS[2].title }));
    await visible(sec.getByText("C'est le dernier point de l'ordre du jour."));
  });

  it('closes the meeting after a confirmation; the phone says so', async () => {
    await sec.getByText('Clore la séance…').click();
    await sec.getByRole('button', { name: 'Confirmer la clôture de la séance' }).click();
    await visible(sec.getByText('La séance est close.', { exact: true }));
    await visible(phone.getByText('La séance est close. Merci de votre participation.'));
    const state = (await api(app.url, secretary.cookie).get(`/meetings/${meetingId}/state`)).json.state;
    expect(state.meeting.status).toBe('closed');
    expect(state.agenda.filter((i: { status: string }) => i.status === 'accepted').every((i: { spentSeconds: number }) => i.spentSeconds >= 0)).toBe(true);
    expect(state.agenda.find((i: { title: string }) => i.title === ITEMS[0].title).notes).toContain('29 %');
    await expectNoSeriousAxeViolations(phone);

    await phone.goto(`/en/m/${meetingId}/live`);
    expect(await phone.getAttribute('html', 'lang')).toBe('en');
    await visible(phone.getByText('The meeting is closed. Thank you for taking part.'));
    await visible(phone.getByText('Quorum met: 3 present or represented out of 4, 3 needed'));
    await expectNoSeriousAxeViolations(phone);
  });
});
