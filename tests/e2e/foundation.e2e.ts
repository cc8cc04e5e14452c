import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousAxeViolations, launchBrowser, newPerson, pathOf, snap, startApp, type E2eApp } from './helpers.ts';

// Issue 3's story, in the browser: a secretary sets Concerto up, creates a CCL, adds a tenant
// representative, gives them a membership and invites them; the representative opens the link
// in their own browser, chooses a password and lands on their bodies. Each step is one test so a
// failing step names itself; later steps need the earlier ones.

const ORG = "Office Démo de l'Habitat";
const ADMIN = { name: 'Claire Dumas', email: 'claire.dumas@office-demo.fr', password: 'le jardin des oliviers' };
const REP = { name: 'Jean Moreau', email: 'jean.moreau@exemple.fr', password: 'la maison au bout du quai' };
const CCL = 'CCL du patrimoine';

let app: E2eApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
let admin: Page;
let rep: Page;
let orgPath = '';
let invitationUrl = '';

async function newPage(): Promise<Page> {
  const context = await newPerson(browser, app);
  contexts.push(context);
  return context.newPage();
}

async function count(table: string): Promise<number> {
  const [row] = await app.db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
  return row.n;
}

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  admin = await newPage();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.close();
});

describe('first run, a CCL and an invited tenant representative', () => {
  it('greets a fresh install in French with the setup page', async () => {
    await admin.goto('/');
    expect(pathOf(admin)).toBe('/setup');
    expect(await admin.getAttribute('html', 'lang')).toBe('fr');
    await expect(admin.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Bienvenue dans Concerto');
    await expectNoSeriousAxeViolations(admin);
  });

  it('refuses a short password on the setup form with the French field message, and creates nothing', async () => {
    await admin.getByLabel("Nom de l'organisation").fill(ORG);
    await admin.getByLabel('Votre nom').fill(ADMIN.name);
    await admin.getByLabel('Adresse e-mail').fill(ADMIN.email);
    await admin.getByLabel('Mot de passe').fill('court');
    // The browser would stop this itself (minlength); the server's own check is what is tested.
    await admin.locator('main form').evaluate((f) => ((f as HTMLFormElement).noValidate = true));
    await admin.getByRole('button', { name: "Créer l'organisation et mon compte" }).click();
    await admin.locator('#f-password-error').waitFor();
    await expect(admin.locator('#f-password-error').textContent()).resolves.toBe('Le mot de passe doit faire au moins 10 caractères.');
    expect(await admin.getByLabel("Nom de l'organisation").inputValue()).toBe(ORG);
    await expectNoSeriousAxeViolations(admin);
    expect(await count('organisations')).toBe(0);
    expect(await count('users')).toBe(0);
  });

  it('sets up the organisation and its administrator, then opens the organisation page', async () => {
    await admin.goto('/setup');
    await admin.getByLabel("Nom de l'organisation").fill(ORG);
    await admin.getByLabel('Votre nom').fill(ADMIN.name);
    await admin.getByLabel('Adresse e-mail').fill(ADMIN.email);
    await admin.getByLabel('Mot de passe').fill(ADMIN.password);
    await admin.getByRole('button', { name: "Créer l'organisation et mon compte" }).click();
    await admin.waitForURL((url) => url.pathname.startsWith('/o/'));
    orgPath = pathOf(admin);
    await expect(admin.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Instances');
    await expectNoSeriousAxeViolations(admin);
    await snap(admin, 'org-empty-1024');
  });

  it('creates a CCL through the organisation page', async () => {
    await admin.getByLabel("Nom de l'instance").fill(CCL);
    await admin.getByLabel("Type d'instance").selectOption({ label: 'CCL' });
    await admin.getByRole('button', { name: "Créer l'instance" }).click();
    await admin.getByRole('heading', { level: 1, name: CCL }).waitFor();
    await admin.getByText("L'instance a été créée.").first().waitFor();
    await expectNoSeriousAxeViolations(admin);
  });

  it('adds the tenant representative with an email on the people page', async () => {
    await admin.getByRole('link', { name: 'Personnes', exact: true }).click();
    await admin.getByRole('heading', { level: 1, name: 'Personnes' }).waitFor();
    await expectNoSeriousAxeViolations(admin);
    await admin.getByLabel('Nom et prénom').fill(REP.name);
    await admin.getByLabel('Adresse e-mail').fill(REP.email);
    await admin.getByRole('button', { name: 'Ajouter la personne' }).click();
    await admin.getByText('La personne a été ajoutée.').first().waitFor();
    await admin.getByRole('rowheader', { name: REP.name }).waitFor();
    await expectNoSeriousAxeViolations(admin);
  });

  it('makes them a voting member of the CCL for the tenants, affiliated to the CNL', async () => {
    await admin.getByRole('link', { name: 'Instances', exact: true }).click();
    await admin.getByRole('link', { name: CCL }).click();
    await admin.getByRole('heading', { level: 1, name: CCL }).waitFor();
    await admin.getByLabel('Personne', { exact: true }).selectOption({ label: REP.name });
    await admin.getByLabel('Rôle', { exact: true }).selectOption({ label: 'Membre' });
    await admin.getByLabel('Collège', { exact: true }).selectOption({ label: 'Collège des locataires' });
    await admin.getByLabel('Affiliation', { exact: true }).selectOption({ label: 'CNL' });
    await admin.getByLabel('Droit de vote', { exact: true }).check();
    await admin.getByRole('button', { name: 'Ajouter le membre' }).click();
    await admin.getByText('Le membre a été ajouté.').first().waitFor();
    const row = admin.getByRole('row').filter({ has: admin.getByRole('rowheader', { name: REP.name }) });
    await expect(row.getByRole('cell').allTextContents()).resolves.toEqual(expect.arrayContaining(['Membre', 'Collège des locataires', 'CNL', 'Oui']));
    await expectNoSeriousAxeViolations(admin);
  });

  it('invites them and shows the link to copy', async () => {
    await admin.getByRole('link', { name: 'Personnes', exact: true }).click();
    const row = admin.getByRole('row').filter({ has: admin.getByRole('rowheader', { name: REP.name }) });
    await row.getByRole('button', { name: /^Inviter/ }).click();
    await admin.getByRole('heading', { name: `Invitation créée pour ${REP.name}` }).waitFor();
    invitationUrl = (await admin.locator('#invitation code.copy').textContent())!.trim();
    expect(invitationUrl).toMatch(/\/invitation\/[^/]+$/);
    await expectNoSeriousAxeViolations(admin);
    await snap(admin, 'people-invited-1024');
  });

  it('lets the representative, in their own browser, choose a password and land on the organisation where the CCL is listed', async () => {
    expect(invitationUrl, 'needs the invitation link from the previous step').not.toBe('');
    rep = await newPage();
    await rep.goto(invitationUrl);
    await expect(rep.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Bienvenue ${REP.name}`);
    await expect(rep.getByText(`${ORG} vous invite à rejoindre Concerto`).count()).resolves.toBe(1);
    await expect(rep.getByText(`Vous vous connecterez avec l'adresse : ${REP.email}`).count()).resolves.toBe(1);
    await expectNoSeriousAxeViolations(rep);
    await rep.getByLabel('Choisissez votre mot de passe').fill(REP.password);
    await rep.getByRole('button', { name: 'Créer mon compte' }).click();
    await rep.waitForURL((url) => url.pathname === orgPath);
    await rep.getByRole('link', { name: CCL }).waitFor();
    await expectNoSeriousAxeViolations(rep);
    await snap(rep, 'org-representative-1024');
  });

  it('shows the administrator that the invitation was accepted', async () => {
    await admin.reload();
    const invitations = admin.getByRole('table', { name: 'Invitations', exact: true });
    const row = invitations.getByRole('row').filter({ has: admin.getByRole('rowheader', { name: REP.name }) });
    await expect(row.getByText('Acceptée').count()).resolves.toBe(1);
  });

  it('logs the representative out and back in', async () => {
    await rep.getByRole('button', { name: 'Se déconnecter' }).click();
    await rep.waitForURL((url) => url.pathname === '/login');
    await expectNoSeriousAxeViolations(rep);
    await rep.getByLabel('Adresse e-mail').fill(REP.email);
    await rep.getByLabel('Mot de passe').fill(REP.password);
    await rep.getByRole('button', { name: 'Se connecter' }).click();
    await rep.waitForURL((url) => url.pathname === orgPath);
    await rep.getByRole('link', { name: CCL }).waitFor();
  });

  it('serves the login page in English under /en', async () => {
    const visitor = await newPage();
    await visitor.goto('/en/login');
    expect(await visitor.getAttribute('html', 'lang')).toBe('en');
    await expect(visitor.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Log in');
    await visitor.getByLabel('Email address').waitFor();
    await visitor.getByRole('button', { name: 'Log in' }).waitFor();
    await expectNoSeriousAxeViolations(visitor);
  });
});
