import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMembership, createBody, createMemberAccount, createPerson, type MemberAccount } from '../helpers/api-fixtures.ts';
import { createMeeting } from '../helpers/meeting-fixtures.ts';
import { setupAdmin, type AdminSession } from '../helpers/test-server.ts';
import { userOf } from '../helpers/vote-fixtures.ts';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchBrowser, repoRoot, startApp, openPage, screenshot, type E2eApp } from './helpers.ts';

// Issue 5's story in four browser pages: at item 1, "Renouvellement du marché de gaz propane",
// the secretary opens a hybrid vote on "Le CCL donne un avis favorable à l’offre d’ANTARGAZ"
// from the console; the projector shows it; the two remote members, Jean and Lucie, vote on their
// phones (360 px wide); the secretary types the room's show of hands (a first count too high is
// refused beside the field), closes the vote, and the result with its rule shows on all views.
// The organisation, people, meeting and attendance are set up through the API and the services;
// the vote itself runs in the UI. Each step is one test; later steps need the earlier ones.

const SCREENSHOTS = join(repoRoot, 'tests', 'e2e', 'screenshots');
const QUESTION = 'Le CCL donne un avis favorable à l’offre d’ANTARGAZ';
const ITEM = 'Renouvellement du marché de gaz propane';
const RESULT = 'Adopté : 6 pour, 1 contre, 1 abstention (majorité des suffrages exprimés)';

let app: E2eApp;
let browser: Browser;
let admin: AdminSession;
let meetingId = '';
let secondVoteId = '';
let secretary: MemberAccount;
let jean: MemberAccount;
let lucie: MemberAccount;
const contexts: BrowserContext[] = [];
let consolePage: Page;
let projector: Page;
let jeanPhone: Page;
let luciePhone: Page;

const browse = (account: MemberAccount, opts: BrowserContextOptions = {}) => openPage(browser, app, contexts, account.cookie, opts);

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, SCREENSHOTS, name);
}

const connected = (page: Page) => page.locator('[data-connected="true"]').waitFor();
const visible = (l: Locator) => l.first().waitFor({ state: 'visible' });
const PHONE: BrowserContextOptions = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  admin = await setupAdmin(app.url, { organisationName: 'Office Démo de l’Habitat', adminName: 'Claire Dumas', email: 'claire.dumas@office-demo.fr', password: 'le jardin des oliviers' });
  const body = await createBody(app.url, admin.cookie, admin.organisationId, { name: 'CCL du patrimoine', kind: 'ccl' });
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
  // Six voting members in the room, without accounts: eight voters in all.
  const room: string[] = [];
  for (const [fullName, role, college] of [
    ['Paul Durand', 'chair', 'landlord'],
    ['Anne Leroy', 'member', 'tenant'],
    ['Marc Lambert', 'member', 'landlord'],
    ['Nadia Haddad', 'member', 'tenant'],
    ['Gilles Fournier', 'member', 'landlord'],
    ['Rose Caron', 'member', 'tenant']
  ] as const) {
    const p = await createPerson(app.url, admin.cookie, admin.organisationId, { fullName, email: null });
    await addMembership(app.url, admin.cookie, body.id, p.id, { role, college, votingRight: true });
    room.push(p.id);
  }
  const meeting = await createMeeting(app.url, secretary.cookie, body.id, { title: 'CCL du 6 juin' }, 'live');
  meetingId = meeting.id;
  const services = app.concerto.services;
  const sec = userOf(secretary);
  const item = await services.meetings.addItem(sec, meetingId, { title: ITEM, kind: 'decision' });
  for (const personId of room) await services.meetings.setAttendance(sec, meetingId, { personId, status: 'present_room' });
  for (const who of [jean, lucie]) await services.meetings.setAttendance(sec, meetingId, { personId: who.personId, status: 'present_remote' });
  await services.meetings.setCurrentItem(sec, meetingId, { itemId: item.id });

  consolePage = await browse(secretary, { viewport: { width: 1280, height: 900 } });
  projector = await consolePage.context().newPage();
  await projector.setViewportSize({ width: 1280, height: 720 });
  jeanPhone = await browse(jean, PHONE);
  luciePhone = await browse(lucie, PHONE);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.close();
});

describe('a hybrid vote, end to end', () => {
  it('lets the secretary start a vote on the current item from the console', async () => {
    await consolePage.goto(`/m/${meetingId}/console`);
    await projector.goto(`/m/${meetingId}/projector`);
    await jeanPhone.goto(`/m/${meetingId}/live`);
    await luciePhone.goto(`/m/${meetingId}/live`);
    for (const p of [consolePage, projector, jeanPhone, luciePhone]) await connected(p);

    const question = consolePage.getByLabel('Question posée');
    await expect.poll(() => question.inputValue()).toBe(ITEM);
    await expectNoSeriousAxeViolations(consolePage);
    await question.fill(QUESTION);
    await consolePage.getByLabel('Hybride : à distance sur les appareils, la salle à main levée').check();
    await consolePage.getByRole('button', { name: 'Ouvrir le vote' }).click();
    await visible(consolePage.getByTestId('vote-open').getByText(QUESTION));
    await visible(consolePage.getByText('Participation sur les appareils : 0 sur 8 votants'));
    await shot(consolePage, 'vote-console-open');
  });

  it('announces the vote on the phones and shows it on the projector', async () => {
    for (const phone of [jeanPhone, luciePhone]) {
      await expect.poll(() => phone.getByTestId('vote-announcer').textContent()).toBe(`Vote ouvert : ${QUESTION}`);
      await visible(phone.getByRole('button', { name: 'Voter pour', exact: true }));
      await visible(phone.getByRole('button', { name: 'Voter contre', exact: true }));
      await visible(phone.getByRole('button', { name: 'S’abstenir', exact: true }));
    }
    await expectNoSeriousAxeViolations(jeanPhone);
    await expectNoHorizontalScroll(jeanPhone);
    await shot(jeanPhone, 'vote-phone-open');
    await visible(projector.getByTestId('projector-vote').getByText(QUESTION));
    await visible(projector.getByText('Votez maintenant sur votre téléphone ou à main levée.'));
  });

  it('records each remote member’s ballot and confirms it in plain words; the tally fills in everywhere', async () => {
    await jeanPhone.getByRole('button', { name: 'Voter pour', exact: true }).click();
    await visible(jeanPhone.getByText('Votre vote « pour » est enregistré.'));
    await luciePhone.getByRole('button', { name: 'Voter contre', exact: true }).click();
    await visible(luciePhone.getByText('Votre vote « contre » est enregistré.'));
    // The buttons are gone once the ballot is in: nothing to press twice.
    await expect(jeanPhone.getByRole('button', { name: 'Voter pour', exact: true }).count()).resolves.toBe(0);
    await expectNoSeriousAxeViolations(jeanPhone);
    await shot(jeanPhone, 'vote-phone-confirmed');

    for (const p of [consolePage, projector, jeanPhone]) await visible(p.getByText('Participation sur les appareils : 2 sur 8 votants'));
    // The chart's text equivalent, and its SVG with a title and a description.
    await visible(projector.getByText('Pour : 1', { exact: true }));
    await visible(projector.getByText('Contre : 1', { exact: true }));
    const chart = projector.getByRole('img', { name: `Décompte du vote : ${QUESTION}` });
    await visible(chart);
    await expect(chart.locator('desc').textContent()).resolves.toBe('Pour : 1 ; Contre : 1 ; Abstention : 0 ; 2 voix au total');
    await shot(projector, 'vote-projector-open');
  });

  it('refuses room counts above who is in the room, beside the field, then takes the show of hands', async () => {
    const room = consolePage.locator('form.room');
    await room.getByLabel('Pour').fill('7');
    await room.getByLabel('Contre').fill('0');
    await room.getByLabel('Abstention').fill('0');
    await room.getByRole('button', { name: 'Enregistrer les votes de la salle' }).click();
    const refusal = room.locator('#room-all-pour-error');
    await visible(refusal);
    await expect(refusal.textContent()).resolves.toContain('Total trop élevé : 7 votes saisis, mais 6 votants présents en salle seulement');
    await expect(room.getByLabel('Pour').getAttribute('aria-invalid')).resolves.toBe('true');
    await shot(consolePage, 'vote-console-room-refused');

    await room.getByLabel('Pour').fill('5');
    await room.getByLabel('Abstention').fill('1');
    await room.getByRole('button', { name: 'Enregistrer les votes de la salle' }).click();
    await visible(room.getByText('Votes de la salle enregistrés.'));
    await visible(projector.getByText('Pour : 6', { exact: true }));
    await expectNoSeriousAxeViolations(consolePage);
  });

  it('closes the vote after a confirmation, and shows the result with its rule on all three views', async () => {
    await consolePage.getByRole('button', { name: 'Clore le vote' }).click();
    await visible(consolePage.getByText('Clore le vote maintenant ? Le résultat sera calculé et ne pourra plus changer.'));
    await consolePage.getByRole('button', { name: 'Oui, clore le vote' }).click();

    for (const p of [consolePage, projector, jeanPhone, luciePhone]) {
      await visible(p.getByTestId('vote-result').getByText(RESULT, { exact: true }));
    }
    await expect.poll(() => jeanPhone.getByTestId('vote-announcer').textContent()).toBe(`Vote clos. ${RESULT}`);
    await visible(projector.getByText('Règle : Majorité des suffrages exprimés (les abstentions ne comptent pas)'));
    await shot(consolePage, 'vote-console-closed');
    await shot(projector, 'vote-projector-result');
    await shot(jeanPhone, 'vote-phone-result');
    await expectNoSeriousAxeViolations(projector);
    await expectNoSeriousAxeViolations(jeanPhone);
    await expectNoHorizontalScroll(jeanPhone);
    await expectNoSeriousAxeViolations(consolePage);
  });

  it('takes a ballot from a phone without JavaScript, by a plain form post, and confirms it', async () => {
    const services = app.concerto.services;
    const sec = userOf(secretary);
    const [item] = (await services.meetings.snapshot(meetingId)).agenda;
    const vote = await services.votes.open(sec, meetingId, { itemId: item.id, question: 'Le CCL approuve le calendrier des travaux', mode: 'device' });
    const plain = await browse(lucie, { ...PHONE, javaScriptEnabled: false });
    await plain.goto(`/m/${meetingId}/live`);
    await visible(plain.getByText('Le CCL approuve le calendrier des travaux'));
    await plain.getByRole('button', { name: 'Voter contre', exact: true }).click();
    await visible(plain.getByText('Votre vote « contre » est enregistré.'));
    await expect(plain.getByRole('button', { name: 'Voter contre', exact: true }).count()).resolves.toBe(0);
    await shot(plain, 'vote-phone-nojs-confirmed');
    const rows = await app.db.query<{ choice: string }>('select choice from ballots where vote_id = $1 and voting_for_person_id = $2', [vote.id, lucie.personId]);
    expect(rows).toEqual([{ choice: 'contre' }]);
    // The phone with scripts follows: its vote panel has the new vote, and Jean can still vote.
    await visible(jeanPhone.getByTestId('phone-vote').getByText('Le CCL approuve le calendrier des travaux'));
    secondVoteId = vote.id;
  });

  it('sends a ballot pressed while the connection is down once it is back, and counts it once', async () => {
    // The server drops Jean's connection (as a restart would); his phone notices and reconnects.
    app.concerto.io.in(`votes-user:${jean.userId}`).disconnectSockets(true);
    await jeanPhone.locator('[data-connected="false"]').waitFor();
    await jeanPhone.getByRole('button', { name: 'Voter pour', exact: true }).click();
    await visible(jeanPhone.getByText('Votre vote « pour » est enregistré.'));
    await connected(jeanPhone);
    const rows = await app.db.query<{ choice: string }>('select choice from ballots where vote_id = $1 and voting_for_person_id = $2', [secondVoteId, jean.personId]);
    expect(rows).toEqual([{ choice: 'pour' }]);
    await visible(consolePage.getByText('Participation sur les appareils : 2 sur 8 votants'));
    await app.concerto.services.votes.close(userOf(secretary), secondVoteId);
    await visible(jeanPhone.getByTestId('phone-vote-result').getByText('Rejeté : 1 pour, 1 contre, 0 abstention (majorité des suffrages exprimés)', { exact: true }));
  });
});
