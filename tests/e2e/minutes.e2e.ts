import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfText } from '../../server/documents/pdf-inspect.ts';
import { addMembership, createBody, createMemberAccount, createPerson, type MemberAccount } from '../helpers/api-fixtures.ts';
import { api, setupAdmin, type AdminSession } from '../helpers/test-server.ts';
import { userOf } from '../helpers/vote-fixtures.ts';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchBrowser, repoRoot, startApp, openPage, screenshot, type E2eApp } from './helpers.ts';

// Issue 6, minutes in the browser: after a meeting with a proxy and a closed vote, the secretary
// opens the minutes, generates the draft and sees the right counts; a tenant representative on
// a phone adds a sentence whose count contradicts the record, and the secretary's "Faits du
// registre" panel warns at once; the PDF carries the counts.

const SCREENSHOTS = join(repoRoot, 'tests', 'e2e', 'screenshots');

let app: E2eApp;
let browser: Browser;
let admin: AdminSession;
let meetingId = '';
let secretary: MemberAccount;
let jean: MemberAccount;
let lucie: MemberAccount;
let bodyId = '';
let paulId = '';
const contexts: BrowserContext[] = [];
let sec: Page;
let phone: Page;

const browse = (account: MemberAccount, opts: BrowserContextOptions = {}) => openPage(browser, app, contexts, account.cookie, opts);

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, SCREENSHOTS, name);
}

const user = (a: MemberAccount, name: string) => userOf({ ...a, name });

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  admin = await setupAdmin(app.url, { organisationName: 'Office Démo de l’Habitat', adminName: 'Claire Dumas', email: 'claire.dumas@office-demo.fr', password: 'le jardin des oliviers' });
  const body = await createBody(app.url, admin.cookie, admin.organisationId, { name: 'CCL du patrimoine', kind: 'ccl' });
  bodyId = body.id;
  secretary = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Sophie Marchand', email: 'sophie.marchand@office-demo.fr' },
    bodyId: body.id,
    membership: { role: 'secretary', college: 'landlord', votingRight: false }
  });
  jean = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Jean Moreau', email: 'jean.moreau@exemple.fr' },
    bodyId: body.id,
    membership: { role: 'member', college: 'tenant', affiliation: 'cnl', votingRight: true }
  });
  lucie = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Lucie Bernard', email: 'lucie.bernard@exemple.fr' },
    bodyId: body.id,
    membership: { role: 'member', college: 'tenant', affiliation: 'clcv', votingRight: true }
  });
  const paul = await createPerson(app.url, admin.cookie, admin.organisationId, { fullName: 'Paul Durand', email: null });
  await addMembership(app.url, admin.cookie, body.id, paul.id, { role: 'chair', college: 'landlord', votingRight: true });
  paulId = paul.id;

  // The meeting, run through the services: Paul and Jean in the room, Lucie represented by Jean,
  // one decision item with notes and a device vote, then closed.
  const s = app.concerto.services;
  const sophie = user(secretary, 'Sophie Marchand');
  const client = api(app.url, secretary.cookie);
  const created = await client.post(`/bodies/${body.id}/meetings`, { title: 'CCL du 6 juin', startsAt: '2026-06-06T14:00', place: 'Salle du conseil' });
  meetingId = created.json.meeting.id;
  for (const to of ['convened', 'live']) expect((await client.post(`/meetings/${meetingId}/transitions`, { to })).status).toBe(200);
  const item = await s.meetings.addItem(sophie, meetingId, { title: 'Renouvellement du contrat de gaz propane', kind: 'decision' });
  await s.meetings.updateItem(sophie, item.id, { notes: 'Deux offres reçues ; la mieux notée baisse la facture de 29 %.' });
  await s.meetings.setAttendance(sophie, meetingId, { personId: paul.id, status: 'present_room' });
  await s.meetings.setAttendance(sophie, meetingId, { personId: jean.personId, status: 'present_room' });
  await s.meetings.setAttendance(sophie, meetingId, { personId: lucie.personId, status: 'represented', proxyHolderId: jean.personId });
  const vote = await s.votes.open(sophie, meetingId, { itemId: item.id, question: 'Le CCL approuve l’offre la mieux notée', mode: 'device' });
  await s.votes.cast(user(jean, 'Jean Moreau'), vote.id, { choice: 'pour' });
  await s.votes.cast(user(jean, 'Jean Moreau'), vote.id, { choice: 'contre', forPersonId: lucie.personId });
  await s.votes.close(sophie, vote.id);
  expect((await client.post(`/meetings/${meetingId}/transitions`, { to: 'closed' })).status).toBe(200);

  sec = await browse(secretary);
  phone = await browse(jean, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.close();
});

describe('minutes in the browser', () => {
  it('the secretary opens the minutes from the meeting page and generates the draft with the right counts', async () => {
    await sec.goto(`/m/${meetingId}`);
    await sec.getByRole('link', { name: 'Compte rendu de la réunion' }).click();
    await sec.getByRole('heading', { level: 1, name: 'Compte rendu — CCL du 6 juin' }).waitFor();
    // The minutes page itself (the editor's toolbar is the editor's own test's business).
    await expectNoSeriousAxeViolations(sec);
    await sec.getByRole('button', { name: 'Générer le brouillon' }).click();
    await sec.getByText('Brouillon généré à partir du registre.').waitFor();

    const text = sec.getByRole('textbox', { name: 'Texte du compte rendu' });
    await text.getByText('Rejeté : 1 pour, 1 contre, 0 abstention (majorité des suffrages exprimés)').waitFor();
    await text.getByText('Lucie Bernard, pouvoir donné à Jean Moreau').waitFor();
    await text.getByText('Deux offres reçues ; la mieux notée baisse la facture de 29 %.').waitFor();
    const facts = sec.getByRole('complementary', { name: 'Faits du registre' });
    await facts.getByText('Le texte reprend tous les faits du registre.').waitFor();
    await facts.getByText('Rejeté : 1 pour, 1 contre, 0 abstention (majorité des suffrages exprimés)').waitFor();
    await shot(sec, 'minutes-draft-secretary');

    // Without JavaScript (an old phone): the draft is still readable, and the facts are checked.
    const noJs = await browse(jean, { javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
    await noJs.goto(`/m/${meetingId}/minutes`);
    await noJs.getByText('Lucie Bernard, pouvoir donné à Jean Moreau').first().waitFor();
    await noJs.getByRole('complementary', { name: 'Faits du registre' }).getByText('Le texte reprend tous les faits du registre.').waitFor();
    await expectNoHorizontalScroll(noJs);
  });

  it('a tenant representative edits on a phone; a count that contradicts the record warns the secretary', async () => {
    await phone.goto(`/m/${meetingId}/minutes`);
    const text = phone.getByRole('textbox', { name: 'Texte du compte rendu' });
    await text.getByText('Lucie Bernard, pouvoir donné à Jean Moreau').waitFor();
    // The editor has the shared document (synced), not only the page's first rendering of the
    // text: otherwise the end of the text can still move under the caret.
    await phone.locator('[data-status="connected"]').waitFor();
    await expectNoHorizontalScroll(phone);
    // The caret at the very end of the text (as a tap after the last line would put it).
    await text.evaluate((el) => {
      (el as HTMLElement).focus();
      const range = document.createRange();
      range.selectNodeContents(el);
      range.collapse(false);
      const selection = getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
    });
    await phone.keyboard.press('Enter');
    await phone.keyboard.type('Jean Moreau précise que le vote a donné 2 pour, 0 contre, 0 abstention.');

    const warning = sec.getByRole('complementary', { name: 'Faits du registre' });
    await warning.getByText('Le texte contredit le registre').waitFor({ timeout: 15_000 });
    await warning.getByText('Le texte indique « 2 pour, 0 contre, 0 abstention », qui ne correspond à aucun vote enregistré.').waitFor();
    await sec.getByRole('textbox', { name: 'Texte du compte rendu' }).getByText('Jean Moreau précise').waitFor();
    await shot(phone, 'minutes-draft-phone');
    await shot(sec, 'minutes-warning-secretary');
  });

  it('is submitted once the text agrees with the record, approved by a later vote, published, and read by a member', async () => {
    const facts = sec.getByRole('complementary', { name: 'Faits du registre' });
    await sec.getByRole('button', { name: 'Soumettre pour approbation' }).click();
    await sec.getByRole('alert').getByText(/ne concorde pas avec le registre/u).waitFor();

    // Jean's sentence goes (removed as an editor would, through the shared document).
    await app.concerto.services.documents.update(`minutes:${meetingId}`, (d) => {
      const fragment = d.getXmlFragment('content');
      const at = fragment.toArray().findIndex((n) => n.toString().includes('Jean Moreau précise'));
      expect(at).toBe(fragment.length - 1);
      fragment.delete(at, 1);
    });
    await facts.getByText('Le texte reprend tous les faits du registre.').waitFor({ timeout: 15_000 });
    await sec.getByRole('button', { name: 'Soumettre pour approbation' }).click();
    await sec.getByText('Compte rendu soumis pour approbation.').waitFor();

    // The next meeting votes on the minutes.
    const s = app.concerto.services;
    const sophie = user(secretary, 'Sophie Marchand');
    const client = api(app.url, secretary.cookie);
    const next = (await client.post(`/bodies/${bodyId}/meetings`, { title: 'CCL du 12 septembre', startsAt: '2026-09-12T14:00', place: 'Salle du conseil' })).json.meeting;
    for (const to of ['convened', 'live']) expect((await client.post(`/meetings/${next.id}/transitions`, { to })).status).toBe(200);
    const item = await s.meetings.addItem(sophie, next.id, { title: 'Approbation du compte rendu du 6 juin', kind: 'decision' });
    await s.meetings.setAttendance(sophie, next.id, { personId: paulId, status: 'present_room' });
    await s.meetings.setAttendance(sophie, next.id, { personId: jean.personId, status: 'present_room' });
    const vote = await s.votes.open(sophie, next.id, { itemId: item.id, question: 'Approbation du compte rendu du CCL du 6 juin', mode: 'device' });

    await sec.reload();
    await sec.getByLabel('Vote d’approbation').or(sec.getByLabel("Vote d'approbation")).selectOption(vote.id);
    await sec.getByRole('button', { name: 'Lier ce vote' }).click();
    await sec.getByText('Vote d’approbation lié au compte rendu.').or(sec.getByText("Vote d'approbation lié au compte rendu.")).waitFor();
    await s.votes.cast(user(jean, 'Jean Moreau'), vote.id, { choice: 'pour' });
    await s.votes.close(sophie, vote.id);

    await sec.reload();
    await sec.getByText(/Approuvé par le vote « Approbation du compte rendu du CCL du 6 juin »/u).waitFor();
    await sec.getByRole('button', { name: 'Publier aux membres' }).click();
    await sec.getByText('Compte rendu publié : les membres ont reçu un avis.').waitFor();

    // Lucie reads the published minutes on her phone: the frozen text, no editor.
    const lucPhone = await browse(lucie, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await lucPhone.goto(`/m/${meetingId}/minutes`);
    await lucPhone.getByText('Rejeté : 1 pour, 1 contre, 0 abstention (majorité des suffrages exprimés)').first().waitFor();
    await lucPhone.getByText('Le compte rendu est publié : tous les membres de l’instance peuvent le lire.').or(lucPhone.getByText("Le compte rendu est publié : tous les membres de l'instance peuvent le lire.")).waitFor();
    expect(await lucPhone.getByRole('textbox').count()).toBe(0);
    expect(await lucPhone.getByText('Jean Moreau précise').count()).toBe(0);
    await expectNoSeriousAxeViolations(lucPhone);
    await expectNoHorizontalScroll(lucPhone);
    await shot(lucPhone, 'minutes-published-phone');
  });

  it('downloads the minutes as a PDF with the counts', async () => {
    const res = await sec.request.get(`/api/v1/meetings/${meetingId}/minutes.pdf`);
    expect(res.status()).toBe(200);
    const text = pdfText(Buffer.from(await res.body()));
    expect(text).toContain('Rejeté : 1 pour, 1 contre, 0 abstention');
    expect(text).toContain('Lucie Bernard, pouvoir donné à Jean Moreau');
  });
});
