import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBody, createMemberAccount, type MemberAccount } from '../helpers/api-fixtures.ts';
import { createMeeting } from '../helpers/meeting-fixtures.ts';
import { setupAdmin } from '../helpers/test-server.ts';
import { userOf } from '../helpers/vote-fixtures.ts';
import { pdfTagging, pdfText } from '../../server/documents/pdf-inspect.ts';
import { expectDocxText, expectPdfWithPoppler, squash } from './documents.ts';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchBrowser, pathOf, repoRoot, startApp, openPage, screenshot, type E2eApp } from './helpers.ts';

// Issue 6's story in two browsers: the secretary of a CCL creates the "charte de bon
// voisinage"; a tenant representative opens it too; both type in the same text at once and
// each sees the other's words and the other's named caret; the secretary saves a named version,
// a second one after more edits, compares them, and downloads the first as PDF and Word: the
// PDF read back by poppler-utils (pdftotext, and pdfinfo says it is tagged), the DOCX unzipped,
// both holding what the two people typed.
// Each step is one test so a failing step names itself; later steps need the earlier ones.

const SCREENSHOTS = join(repoRoot, 'tests', 'e2e', 'screenshots');

let app: E2eApp;
let browser: Browser;
let bodyId = '';
let charterPath = '';
let secretary: MemberAccount;
let tenant: MemberAccount;
const contexts: BrowserContext[] = [];
let sec: Page;
let ten: Page;

const browse = (account: MemberAccount, opts: BrowserContextOptions = {}) => openPage(browser, app, contexts, account.cookie, opts);

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, SCREENSHOTS, name);
}

/** The editor has synced with the server. */
const editorReady = (page: Page) => page.locator('[data-status="connected"]').waitFor();
const editor = (page: Page) => page.locator('.collab-text');
/** The document's text as typed, without the other people's caret labels drawn inside it. */
const docText = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('.collab-text')!.cloneNode(true) as HTMLElement;
    root.querySelectorAll('.collaboration-carets__caret').forEach((n) => n.remove());
    return [...root.querySelectorAll('p')].map((p) => p.textContent).join('\n');
  });

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  const admin = await setupAdmin(app.url, { organisationName: 'Office Démo de l’Habitat', adminName: 'Claire Dumas', email: 'claire.dumas@office-demo.fr', password: 'le jardin des oliviers' });
  const body = await createBody(app.url, admin.cookie, admin.organisationId, { name: 'Groupe de travail charte', kind: 'working_group' });
  bodyId = body.id;
  secretary = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Nadia Ferrand' },
    bodyId,
    membership: { role: 'secretary', college: 'landlord', votingRight: false }
  });
  tenant = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Marcel Roux' },
    bodyId,
    membership: { role: 'member', college: 'tenant', votingRight: true }
  });
  sec = await browse(secretary);
  ten = await browse(tenant);
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.close();
});

describe('co-writing a charter', () => {
  it('the secretary creates the charter from the body’s list of texts (a plain form)', async () => {
    await sec.goto(`/c/body/${bodyId}`);
    await sec.getByLabel('Titre').fill('Charte de bon voisinage');
    await sec.getByRole('button', { name: 'Créer le texte' }).click();
    await sec.waitForURL(/\/c\/[0-9a-f-]{36}\?done=created/);
    charterPath = pathOf(sec);
    expect(await sec.getByRole('heading', { level: 1 }).innerText()).toBe('Charte de bon voisinage');
    await editorReady(sec);
  });

  it('both type in the same text and each sees the other’s words, caret name and presence', async () => {
    await ten.goto(charterPath);
    await editorReady(ten);

    await editor(sec).click();
    await sec.keyboard.type('Article 1 : chacun respecte le calme après 22 heures.');
    await expect.poll(() => docText(ten)).toContain('respecte le calme après 22 heures');

    await editor(ten).click();
    await ten.keyboard.press('Control+End');
    await ten.keyboard.press('Enter');
    await ten.keyboard.type('Article 2 : les parties communes sont entretenues ensemble.');
    // Meanwhile the secretary keeps writing at the end of her paragraph.
    await sec.keyboard.type(' Les fêtes sont annoncées dans le hall.');
    for (const page of [sec, ten]) {
      await expect.poll(() => docText(page)).toContain('entretenues ensemble');
      await expect.poll(() => docText(page)).toContain('annoncées dans le hall');
    }
    // Same text on both sides once the edits have crossed.
    await expect.poll(async () => (await docText(sec)) === (await docText(ten))).toBe(true);

    // Each sees the other's caret with their name, and both names in the presence list.
    await expect.poll(() => sec.locator('.collaboration-carets__label').allInnerTexts()).toContain('Marcel Roux');
    await expect.poll(() => ten.locator('.collaboration-carets__label').allInnerTexts()).toContain('Nadia Ferrand');
    await expect.poll(() => sec.getByTestId('presence-name').allInnerTexts()).toEqual(['Nadia Ferrand (vous)', 'Marcel Roux']);

    // The toolbar: bold is a toggle button that says whether it is on.
    const bold = ten.getByRole('button', { name: 'Gras' });
    await expect.poll(() => bold.getAttribute('aria-pressed')).toBe('false');
    // Keyboard: arrows move along the toolbar (one tab stop); Escape leaves the text, Tab goes on to the next field.
    await bold.focus();
    await ten.keyboard.press('ArrowRight');
    expect(await ten.evaluate(() => document.activeElement?.getAttribute('title'))).toBe('Italique');
    await editor(ten).click();
    await ten.keyboard.press('Escape');
    await ten.keyboard.press('Tab');
    expect(await ten.evaluate(() => document.activeElement?.id)).toBe('version-name');
    await shot(sec, 'charter-coediting-secretary');
    await shot(ten, 'charter-coediting-tenant');
  });

  it('keeps what is typed while offline and sends it when the connection comes back', async () => {
    // Chromium's offline mode refuses new connections but leaves open ones alone: the page's
    // websockets are recorded when created, then dropped by hand, as a tunnel would.
    await ten.context().addInitScript(() => {
      const sockets: WebSocket[] = [];
      (window as unknown as { __sockets: WebSocket[] }).__sockets = sockets;
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      };
    });
    await ten.reload();
    await editorReady(ten);
    await ten.context().setOffline(true);
    await ten.evaluate(() => (window as unknown as { __sockets: WebSocket[] }).__sockets.forEach((ws) => ws.close()));
    await ten.locator('[data-status="offline"]').waitFor();
    expect(await ten.getByRole('status').filter({ hasText: 'Hors ligne' }).innerText()).toContain('envoyées au retour de la connexion');
    await editor(ten).click();
    await ten.keyboard.press('Control+End');
    await ten.keyboard.type(' Écrit dans le tunnel.');
    await ten.context().setOffline(false);
    await editorReady(ten);
    await expect.poll(() => docText(sec)).toContain('Écrit dans le tunnel.');
  });

  it('saves a named version, then a second, and compares them with the changes marked', async () => {
    await sec.getByLabel('Nom de la version').fill('Version soumise au CCL');
    await sec.getByRole('button', { name: 'Enregistrer une version' }).click();
    await sec.waitForURL(/done=version_saved/);
    await expect.poll(() => sec.locator('#versions').innerText()).toContain('version 1 « Version soumise au CCL »');

    await editorReady(ten);
    await editor(ten).click();
    await ten.keyboard.press('Control+End');
    await ten.keyboard.press('Enter');
    await ten.keyboard.type('Article 3 : les animaux sont tenus en laisse.');
    await editorReady(sec);
    await expect.poll(() => docText(sec)).toContain('tenus en laisse');
    await sec.getByLabel('Nom de la version').fill('Version amendée');
    await sec.getByRole('button', { name: 'Enregistrer une version' }).click();
    await sec.waitForURL(/done=version_saved/);
    await expect.poll(() => sec.locator('#versions').innerText()).toContain('version 2 « Version amendée »');
    await shot(sec, 'charter-versions');

    await sec.getByRole('button', { name: 'Comparer' }).click();
    await sec.waitForURL(/\/compare\?from=/);
    expect(await sec.getByTestId('diff-summary').innerText()).toContain('8 mot(s) ajouté(s), 0 mot(s) retiré(s)');
    expect(await sec.locator('.diff ins').last().textContent()).toContain('Article 3 : les animaux sont tenus en laisse.');
    expect(await sec.getByText('Paragraphe ajouté').isVisible()).toBe(true);
    await expectNoSeriousAxeViolations(sec);
    await shot(sec, 'charter-compare');
  });

  it('shows the first version on its own page and downloads it as PDF and Word', async () => {
    await sec.goto(charterPath);
    await sec.getByRole('link', { name: 'version 1 « Version soumise au CCL »' }).click();
    await sec.waitForURL(/\/versions\//);
    expect(await sec.getByRole('heading', { level: 1 }).innerText()).toBe('version 1 « Version soumise au CCL »');
    const shown = await sec.locator('.document').innerText();
    expect(shown).toContain('entretenues ensemble');
    expect(shown).not.toContain('tenus en laisse');
    expect(await sec.getByText('Seule la version adoptée par un vote peut être signée.').isVisible()).toBe(true);

    // The files hold what both people typed into version 1 (and not version 2's article).
    const coEdited = [
      'Charte de bon voisinage',
      'Article 1 : chacun respecte le calme après 22 heures.', // the secretary
      'Les fêtes sont annoncées dans le hall.', // the secretary, while the tenant typed
      'Article 2 : les parties communes sont entretenues ensemble.', // the tenant
      'Écrit dans le tunnel.' // the tenant, offline
    ];
    const pdfHref = await sec.getByRole('link', { name: 'Télécharger en PDF' }).getAttribute('href');
    const pdfRes = await sec.request.get(pdfHref!);
    expect(pdfRes.status()).toBe(200);
    const pdf = await pdfRes.body();
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const poppler = expectPdfWithPoppler(pdf, coEdited, 'version 1 as PDF');
    // Without poppler (never under CI), the in-repo reader still checks the text and the tags.
    const pdfTextRead = poppler.text ?? pdfText(pdf);
    expect(squash(pdfTextRead)).not.toContain('tenus en laisse');
    if (poppler.text === null) {
      for (const s of coEdited) expect(squash(pdfTextRead)).toContain(s);
      expect(pdfTagging(pdf)).toMatchObject({ marked: true, structTree: true, lang: 'fr-FR' });
    }
    const docxHref = await sec.getByRole('link', { name: 'Télécharger en Word (DOCX)' }).getAttribute('href');
    const docxRes = await sec.request.get(docxHref!);
    expect(docxRes.status()).toBe(200);
    const paragraphs = expectDocxText(await docxRes.body(), coEdited, 'version 1 as DOCX');
    expect(paragraphs.join('\n')).not.toContain('tenus en laisse');
    await expectNoSeriousAxeViolations(sec);
    await shot(sec, 'charter-version');
    // The same page in English.
    await sec.goto(`/en${pathOf(sec)}`);
    expect(await sec.getByRole('link', { name: 'Download as PDF' }).getAttribute('href')).toContain('lang=en');
    expect(await sec.getByText('Only the version adopted by a vote can be signed.').isVisible()).toBe(true);
  });

  it('works on a 360 px phone: the toolbar wraps, nothing scrolls sideways, no serious axe violation', async () => {
    const phone = await browse(tenant, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await phone.goto(charterPath);
    await editorReady(phone);
    await expectNoHorizontalScroll(phone);
    const box = await phone.getByRole('button', { name: 'Gras' }).boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await expectNoSeriousAxeViolations(phone);
    await shot(phone, 'charter-phone');
  });

  it('the secretary ties version 1 to a vote; once adopted the text is read-only and the tenant signs without JavaScript', async () => {
    // The meeting and its vote are run through the services (the meeting pages have their own tests).
    const services = app.concerto.services;
    const meeting = await createMeeting(app.url, secretary.cookie, bodyId, { title: 'Groupe de travail du 3 mars' }, 'live');
    const item = await services.meetings.addItem(userOf({ ...secretary, name: 'Nadia Ferrand' }), meeting.id, { title: 'Adoption de la charte de bon voisinage', kind: 'decision' });
    await services.meetings.setAttendance(userOf({ ...secretary, name: 'Nadia Ferrand' }), meeting.id, { personId: tenant.personId, status: 'present_room' });
    const vote = await services.votes.open(userOf({ ...secretary, name: 'Nadia Ferrand' }), meeting.id, { itemId: item.id, question: 'Le groupe adopte la charte de bon voisinage', mode: 'device' });

    await sec.goto(charterPath);
    await sec.getByLabel('Version soumise').selectOption({ label: 'version 1 « Version soumise au CCL »' });
    await sec.getByLabel('Vote d’adoption').selectOption(vote.id);
    await sec.getByRole('button', { name: 'Lier le vote à cette version' }).click();
    await sec.waitForURL(/done=vote_linked/);
    expect(await sec.locator('#adoption').innerText()).toContain('Version 1 mise au vote « Le groupe adopte la charte de bon voisinage »');

    await services.votes.cast(userOf({ ...tenant, name: 'Marcel Roux' }), vote.id, { choice: 'pour' });
    await services.votes.close(userOf({ ...secretary, name: 'Nadia Ferrand' }), vote.id);

    const noJs = await browse(tenant, { javaScriptEnabled: false });
    await noJs.goto(charterPath);
    expect(await noJs.getByTestId('charter-status').innerText()).toBe('Statut : Adopté');
    expect(await noJs.getByText('Ce texte est adopté : il ne peut plus être modifié.').isVisible()).toBe(true);
    await noJs.getByRole('link', { name: 'version 1 « Version soumise au CCL »' }).click();
    await noJs.getByLabel('Qualité').fill('Représentant des locataires');
    await noJs.getByLabel('Organisation représentée').fill('Association des locataires des Platanes');
    await noJs.getByRole('button', { name: 'Signer la version adoptée' }).click();
    await noJs.waitForURL(/done=signed/);
    const table = await noJs.locator('table.signatures').innerText();
    expect(table).toContain('Marcel Roux');
    expect(table).toContain('Association des locataires des Platanes');
    await shot(noJs, 'charter-signed-nojs');

    // The secretary's editor turns read-only on the next load.
    await sec.goto(charterPath);
    await sec.locator('[data-status="connected"]').waitFor();
    expect(await editor(sec).getAttribute('contenteditable')).toBe('false');
    expect(await sec.getByRole('toolbar').count()).toBe(0);
  });
});
