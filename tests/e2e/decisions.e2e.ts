import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthUser } from '../../server/auth/sessions.ts';
import { createBody, createMemberAccount, type MemberAccount } from '../helpers/api-fixtures.ts';
import { createMeeting } from '../helpers/meeting-fixtures.ts';
import { setupAdmin, type AdminSession } from '../helpers/test-server.ts';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchBrowser, repoRoot, startApp, openPage, screenshot, type E2eApp } from './helpers.ts';

// Issue 5, the register of decisions of a body: three votes are closed in a meeting (through the
// services: the vote screens have their own browser test), then the secretary reads the
// register, filters it, downloads the CSV and sets the body's voting rules; a member reads it
// on a phone, in French and in English.

const SCREENSHOTS = join(repoRoot, 'test-results', 'screenshots');

let app: E2eApp;
let browser: Browser;
let admin: AdminSession;
let slug = '';
let bodyId = '';
let secretary: MemberAccount;
let members: MemberAccount[] = [];
const contexts: BrowserContext[] = [];

const user = (a: MemberAccount): AuthUser => ({ id: a.userId, email: a.email, displayName: a.email, locale: 'fr', isPlatformAdmin: false });

const browse = (account: MemberAccount, opts: BrowserContextOptions = {}) => openPage(browser, app, contexts, account.cookie, opts);

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, SCREENSHOTS, name);
}

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  admin = await setupAdmin(app.url, { organisationName: 'Office Démo de l’Habitat', adminName: 'Claire Dumas', email: 'claire.dumas@office-demo.fr', password: 'le jardin des oliviers' });
  slug = admin.response.json.organisation.slug;
  const body = await createBody(app.url, admin.cookie, admin.organisationId, { name: 'CCL du patrimoine', kind: 'ccl' });
  bodyId = body.id;
  secretary = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Sophie Marchand', email: 'sophie.marchand@office-demo.fr' },
    bodyId,
    membership: { role: 'secretary', college: 'landlord', votingRight: false }
  });
  members = [];
  for (const [fullName, email, role, college] of [
    ['Paul Durand', 'paul.durand@office-demo.fr', 'chair', 'landlord'],
    ['Jean Moreau', 'jean.moreau@exemple.fr', 'member', 'tenant'],
    ['Lucie Bernard', 'lucie.bernard@exemple.fr', 'member', 'tenant']
  ] as const) {
    members.push(await createMemberAccount(app.url, admin.cookie, admin.organisationId, { person: { fullName, email }, bodyId, membership: { role, college, votingRight: true } }));
  }

  // A live meeting with its three voting members present remotely, and three votes closed.
  const { meetings, votes } = app.concerto.services;
  const meeting = await createMeeting(app.url, secretary.cookie, bodyId, { title: 'CCL du 6 juin' }, 'live');
  const item = await meetings.addItem(user(secretary), meeting.id, { title: 'Renouvellement du marché de gaz propane', kind: 'decision' });
  for (const m of members) await meetings.setAttendance(user(secretary), meeting.id, { personId: m.personId, status: 'present_remote' });
  const run = async (input: Record<string, unknown>, ballots: Record<string, unknown>[]) => {
    const v = await votes.open(user(secretary), meeting.id, { itemId: item.id, mode: 'device', ...input });
    for (let i = 0; i < ballots.length; i++) await votes.cast(user(members[i]), v.id, ballots[i]);
    await votes.close(user(secretary), v.id);
  };
  await run({ question: 'Le CCL donne un avis favorable à l’offre d’ANTARGAZ', rule: 'advisory' }, [{ choice: 'pour' }, { choice: 'pour' }, { choice: 'contre' }]);
  await run({ question: 'Le CCL approuve la charte de bon voisinage' }, [{ choice: 'pour' }, { choice: 'pour' }, { choice: 'abstention' }]);
  await run({ question: 'Quel prestataire pour les espaces verts ?', kind: 'choice', options: ['Jardins du Gave', 'Vert Béarn'], secret: true }, [
    { optionIds: ['o1'] },
    { optionIds: ['o1'] },
    { optionIds: ['o2'] }
  ]);
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await app?.close();
});

describe('the register of decisions', () => {
  it('lists every closed vote with its rule and result, reached from the body page', async () => {
    const page = await browse(secretary);
    await page.goto(`/o/${slug}/bodies/${bodyId}`);
    await page.getByRole('link', { name: 'Registre des décisions' }).click();
    await page.getByRole('heading', { level: 1, name: 'Registre des décisions — CCL du patrimoine' }).waitFor();
    const year = new Date().getUTCFullYear();
    await expect(page.getByRole('heading', { level: 2, name: /Quel prestataire pour les espaces verts/ }).textContent()).resolves.toContain(`Décision n° ${year}-003 · Choix entre options`);
    await page.getByText('Adopté : 2 pour, 0 contre, 1 abstention (majorité des suffrages exprimés)').waitFor();
    await page.getByText('Avis favorable : 2 pour, 1 contre, 0 abstention (avis consultatif)').waitFor();
    await page.getByText(/Retenu : « Jardins du Gave »/).waitFor();
    expect(await page.getByRole('listitem').filter({ has: page.locator('article') }).count()).toBe(3);
    await expectNoSeriousAxeViolations(page);
    await shot(page, 'decisions-register');

    // Filters work without JavaScript too: a plain GET form.
    await page.getByLabel('Type').selectOption('opinion');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForURL(/kind=opinion/);
    await page.getByText('1 décision(s)').waitFor();
    await page.getByText('Avis favorable : 2 pour, 1 contre').waitFor();

    // The CSV link keeps the filters and answers a file for French Excel.
    const href = await page.getByRole('link', { name: 'Télécharger le registre (CSV, tableur)' }).getAttribute('href');
    expect(href).toContain('kind=opinion');
    const res = await page.request.get(href!);
    expect(res.status()).toBe(200);
    const bytes = await res.body();
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain(';Avis;Avis consultatif;');
  });

  it('lets the secretariat set the body’s voting rules, which new votes then follow', async () => {
    const page = await browse(secretary);
    await page.goto(`/o/${slug}/bodies/${bodyId}/decisions`);
    await page.getByRole('link', { name: 'Règles de vote de l’instance' }).click();
    await page.getByLabel('Règle de vote par défaut').selectOption('two_thirds');
    await page.getByLabel('En cas d’égalité, la présidence a voix prépondérante').check();
    await page.getByRole('button', { name: 'Enregistrer les règles de vote' }).click();
    await page.getByText('Règles de vote enregistrées.').waitFor();
    await expectNoSeriousAxeViolations(page);
    await shot(page, 'decisions-settings');
    const settings = await app.concerto.services.votes.bodySettings(user(secretary), bodyId);
    expect(settings).toMatchObject({ defaultRule: 'two_thirds', chairCastingVote: true, ballotsChangeable: false });

    // A member may read the register but not change the rules.
    const member = await browse(members[1]);
    const denied = await member.goto(`/o/${slug}/bodies/${bodyId}/decisions/settings`);
    expect(denied?.status()).toBe(403);

    // A member of another body of the organisation does not see this body's register.
    const other = await createBody(app.url, admin.cookie, admin.organisationId, { name: 'Groupe de travail espaces verts', kind: 'working_group' });
    const outsider = await createMemberAccount(app.url, admin.cookie, admin.organisationId, {
      person: { fullName: 'Marc Lafargue', email: 'marc.lafargue@exemple.fr' },
      bodyId: other.id,
      membership: { role: 'member', college: 'tenant', votingRight: true }
    });
    const stranger = await browse(outsider);
    expect((await stranger.goto(`/o/${slug}/bodies/${bodyId}/decisions`))?.status()).toBe(404);
  });

  it('reads well on a 360 px phone, in French and in English', async () => {
    const phone = await browse(members[1], { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await phone.goto(`/o/${slug}/bodies/${bodyId}/decisions`);
    await phone.getByText('Règle par défaut : Deux tiers des suffrages exprimés').waitFor();
    await expect(phone.getByRole('link', { name: 'Règles de vote de l’instance' }).count()).resolves.toBe(0);
    await expectNoHorizontalScroll(phone);
    await shot(phone, 'decisions-register-phone');
    await phone.goto(`/en/o/${slug}/bodies/${bodyId}/decisions`);
    await phone.getByRole('heading', { level: 1, name: 'Register of decisions — CCL du patrimoine' }).waitFor();
    await phone.getByText('Adopted: 2 for, 0 against, 1 abstention (majority of votes cast)').waitFor();
    await expectNoHorizontalScroll(phone);
  });
});
