import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBody, createPerson, invite } from '../helpers/api-fixtures.ts';
import { api, setupAdmin, type AdminSession } from '../helpers/test-server.ts';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchBrowser, newPerson, pathOf, snap, startApp, type E2eApp } from './helpers.ts';

// The pages of the invitation link, the guest join and the account, each in French and English,
// with and without JavaScript where it matters (older phones, poor connections).

let app: E2eApp;
let browser: Browser;
let admin: AdminSession;
let orgSlug: string;
const contexts: BrowserContext[] = [];

async function person(opts: Parameters<typeof newPerson>[2] = {}): Promise<Page> {
  const context = await newPerson(browser, app, opts);
  contexts.push(context);
  return context.newPage();
}

/** Lets the server's own message through when the browser would stop a short password first. */
async function skipBrowserValidation(page: Page, form = 'main form'): Promise<void> {
  await page.locator(form).first().evaluate((f) => ((f as HTMLFormElement).noValidate = true));
}

/** The same page at a phone's width: it reflows without sideways scrolling. */
async function checkNarrow(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  await expectNoHorizontalScroll(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, `${name}-390`);
  if (size) await page.setViewportSize(size);
  await snap(page, `${name}-1024`);
}

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  admin = await setupAdmin(app.url, { organisationName: 'Office Test de l’Habitat', adminName: 'Claire Dumas', email: 'claire.dumas@office-test.fr', password: 'une-phrase-bien-longue' });
  const orgs = await api(app.url, admin.cookie).get('/organisations');
  orgSlug = orgs.json.organisations[0].slug;
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.close();
});

describe('invitation link', () => {
  it('shows a friendly French page with status 404 for an expired link, and the English one under /en', async () => {
    const p = await createPerson(app.url, admin.cookie, admin.organisationId, { fullName: 'Paul Expiré', email: 'paul.expire@exemple.fr' });
    const inv = await invite(app.url, admin.cookie, p.id);
    await app.db.query("update invitations set expires_at = now() - interval '1 minute' where id = $1", [inv.id]);

    const page = await person();
    const res = await page.goto(`/invitation/${inv.token}`);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe("Ce lien d'invitation ne fonctionne plus");
    await expect(page.getByText("Ce lien d'invitation n'est pas valable : il a expiré, a déjà servi ou a été annulé.").count()).resolves.toBe(1);
    expect(await page.title()).toContain("Ce lien d'invitation ne fonctionne plus");
    await expect(page.getByRole('link', { name: 'Se connecter' }).count()).resolves.toBeGreaterThan(0);
    await expectNoSeriousAxeViolations(page);
    await checkNarrow(page, 'invitation-expired');

    const en = await page.goto(`/en/invitation/${inv.token}`);
    expect(en?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('This invitation link no longer works');
    await expect(page.getByText('This invitation link is not valid: it has expired, was already used or was cancelled.').count()).resolves.toBe(1);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expectNoSeriousAxeViolations(page);

    const garbage = await page.goto('/invitation/pas-un-vrai-lien');
    expect(garbage?.status()).toBe(404);
  });

  it('asks for the email when the invitation has none, refuses a short password in French, then logs in and opens the organisation', async () => {
    const p = await createPerson(app.url, admin.cookie, admin.organisationId, { fullName: 'Lucie Garnier', email: null });
    const inv = await invite(app.url, admin.cookie, p.id);
    const page = await person();
    await page.goto(`/invitation/${inv.token}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Bienvenue Lucie Garnier');
    await expect(page.getByText('Office Test de l’Habitat vous invite à rejoindre Concerto').count()).resolves.toBe(1);
    expect(await page.getByLabel('Votre nom').inputValue()).toBe('Lucie Garnier');
    await expectNoSeriousAxeViolations(page);
    await checkNarrow(page, 'invitation');

    await page.getByLabel('Adresse e-mail').fill('lucie.garnier@exemple.fr');
    await page.getByLabel('Choisissez votre mot de passe').fill('court');
    await skipBrowserValidation(page);
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.getByText('Le mot de passe doit faire au moins 10 caractères.').waitFor();
    expect(await page.getByLabel('Adresse e-mail').inputValue()).toBe('lucie.garnier@exemple.fr');
    await expectNoSeriousAxeViolations(page);
    const users = await app.db.query<{ n: number }>("select count(*)::int as n from users where email = 'lucie.garnier@exemple.fr'");
    expect(users[0].n).toBe(0);

    await page.getByLabel('Choisissez votre mot de passe').fill('les tilleuls en fleur');
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.waitForURL((url) => url.pathname === `/o/${orgSlug}`);
    const me = await page.request.get('/api/v1/auth/me');
    expect(me.status()).toBe(200);
    expect((await me.json()).user).toMatchObject({ email: 'lucie.garnier@exemple.fr', displayName: 'Lucie Garnier' });

    // Single use: the same link now shows the friendly 404.
    const again = await page.goto(`/invitation/${inv.token}`);
    expect(again?.status()).toBe(404);
  });

  it('asks an existing account for its password and links it to a second organisation', async () => {
    const org2 = await api(app.url, admin.cookie).post('/organisations', { name: 'Habitat Sud Test' });
    expect(org2.status).toBe(201);
    const p = await createPerson(app.url, admin.cookie, org2.json.organisation.id, { fullName: 'Lucie Garnier', email: 'lucie.garnier@exemple.fr' });
    const inv = await invite(app.url, admin.cookie, p.id);
    const page = await person();
    await page.goto(`/invitation/${inv.token}`);
    await expect(page.getByText('Un compte existe déjà avec cette adresse : saisissez son mot de passe.').count()).resolves.toBe(1);
    await expect(page.getByLabel('Votre nom').count()).resolves.toBe(0);
    await expectNoSeriousAxeViolations(page);

    await page.getByLabel('Mot de passe de votre compte').fill('pas le bon mot de passe');
    await page.getByRole('button', { name: 'Rejoindre Habitat Sud Test' }).click();
    await page.getByText('Mot de passe incorrect pour le compte existant.').waitFor();
    await expectNoSeriousAxeViolations(page);

    await page.getByLabel('Mot de passe de votre compte').fill('les tilleuls en fleur');
    await page.getByRole('button', { name: 'Rejoindre Habitat Sud Test' }).click();
    await page.waitForURL((url) => url.pathname === `/o/${org2.json.organisation.slug}`);
  });
});

describe('guest join', () => {
  let code: string;

  beforeAll(async () => {
    const body = await createBody(app.url, admin.cookie, admin.organisationId, { name: 'Atelier habitat seniors', kind: 'working_group' });
    const res = await api(app.url, admin.cookie).post(`/organisations/${admin.organisationId}/guest-codes`, { targetKind: 'body', targetId: body.id });
    expect(res.status).toBe(201);
    code = res.json.guestCode.code;
  });

  it('joins with the code from the QR link and a first name, with a guest cookie and a plain confirmation', async () => {
    const page = await person();
    await page.goto(`/join?code=${code}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Participer à une séance');
    expect(await page.getByLabel('Code de la séance').inputValue()).toBe(code);
    await expect(page.getByText("6 lettres et chiffres, affiché à l'écran ou sur le QR code").count()).resolves.toBe(1);
    await expectNoSeriousAxeViolations(page);
    await checkNarrow(page, 'join');

    await page.getByLabel('Votre nom affiché').fill('Mireille');
    await page.getByRole('button', { name: 'Participer' }).click();
    await page.getByRole('heading', { level: 1, name: 'Vous participez en tant que Mireille' }).waitFor();
    expect(pathOf(page)).toBe('/join');
    await expect(page.getByRole('status').filter({ hasText: "C'est bon : votre code a été accepté." }).count()).resolves.toBe(1);
    await expect(page.getByText("L'animateur va lancer la séance.").count()).resolves.toBe(1);
    await expect(page.getByText('Invité : Mireille').count()).resolves.toBe(1);
    await expectNoSeriousAxeViolations(page);
    await checkNarrow(page, 'join-done');

    const cookie = (await page.context().cookies()).find((c) => c.name === 'concerto_guest');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
    expect(cookie!.expires * 1000).toBeGreaterThan(Date.now() + 11 * 3600 * 1000);
    const me = await page.request.get('/api/v1/guests/me');
    expect((await me.json()).guest).toMatchObject({ displayName: 'Mireille', targetKind: 'body' });

    // The home page sends a guest back to their confirmation.
    await page.goto('/');
    expect(pathOf(page)).toBe('/join');

    await page.getByRole('button', { name: 'Quitter la séance' }).click();
    await page.getByRole('heading', { level: 1, name: 'Participer à une séance' }).waitFor();
    expect((await page.context().cookies()).find((c) => c.name === 'concerto_guest')).toBeUndefined();
  });

  it('works without JavaScript', async () => {
    const page = await person({ javaScriptEnabled: false });
    await page.goto('/join');
    await page.getByLabel('Code de la séance').fill(code.toLowerCase().replace(/^(...)/, '$1-'));
    await page.getByLabel('Votre nom affiché').fill('Bernard');
    await page.getByRole('button', { name: 'Participer' }).click();
    await page.getByRole('heading', { level: 1, name: 'Vous participez en tant que Bernard' }).waitFor();
  });

  it('shows bilingual messages for an unknown code and for too many attempts', async () => {
    const page = await person();
    await page.goto('/join');
    await page.getByLabel('Code de la séance').fill('ZZZZZZ');
    await page.getByLabel('Votre nom affiché').fill('Odette');
    await page.getByRole('button', { name: 'Participer' }).click();
    await page.getByRole('alert').filter({ hasText: 'Code inconnu ou expiré. Vérifiez-le auprès de l’animateur.' }).waitFor();
    await expect(page.locator('#f-code-error').textContent()).resolves.toBe('Code inconnu ou expiré.');
    expect(await page.getByLabel('Votre nom affiché').inputValue()).toBe('Odette');
    await expectNoSeriousAxeViolations(page);
    await snap(page, 'join-unknown-code-1024');

    await page.goto('/en/join');
    await page.getByLabel('Session code').fill('ZZZZZZ');
    await page.getByLabel('Name shown to others').fill('Odette');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('alert').filter({ hasText: 'Unknown or expired code. Check it with the facilitator.' }).waitFor();
    await expectNoSeriousAxeViolations(page);

    // Rule: 30 joins per address per 10 minutes (GuestService); the counter lives in Postgres.
    await app.db.query("update rate_limits set count = 30 where key like 'guest-join:ip:%'");
    await page.goto('/join');
    await page.getByLabel('Code de la séance').fill(code);
    await page.getByLabel('Votre nom affiché').fill('Odette');
    await page.getByRole('button', { name: 'Participer' }).click();
    await page.getByRole('alert').filter({ hasText: 'Trop de tentatives. Réessayez dans quelques minutes.' }).waitFor();
    await page.goto('/en/join');
    await page.getByLabel('Session code').fill(code);
    await page.getByLabel('Name shown to others').fill('Odette');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('alert').filter({ hasText: 'Too many attempts. Try again in a few minutes.' }).waitFor();
    await app.db.query("delete from rate_limits where key like 'guest-join:ip:%'");
  });
});

describe('account', () => {
  let page: Page;
  let password = 'une-phrase-bien-longue';

  async function logIn(p: Page, pw = password): Promise<void> {
    await p.getByLabel('Adresse e-mail').fill(admin.email);
    await p.getByLabel('Mot de passe').fill(pw);
    await p.getByRole('button', { name: 'Se connecter' }).click();
  }

  it('sends a visitor to the login page and back to the account after logging in', async () => {
    page = await person();
    await page.goto('/account');
    expect(pathOf(page)).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/account');
    await logIn(page);
    await page.waitForURL((url) => url.pathname === '/account');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Mon compte');
    await expect(page.getByText('claire.dumas@office-test.fr').count()).resolves.toBe(1);
    await expectNoSeriousAxeViolations(page);
    await checkNarrow(page, 'account');
  });

  it('changes the password only with the right current one', async () => {
    await page.getByLabel('Mot de passe actuel').fill('pas-le-bon-mot-de-passe');
    await page.getByLabel('Nouveau mot de passe').fill('le nouveau mot de passe');
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await expect(page.locator('#f-currentPassword-error').textContent()).resolves.toBe('Mot de passe actuel incorrect.');
    await expectNoSeriousAxeViolations(page);

    await page.getByLabel('Mot de passe actuel').fill(password);
    await page.getByLabel('Nouveau mot de passe').fill('le nouveau mot de passe');
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await page.getByRole('status').filter({ hasText: 'Votre mot de passe a été changé.' }).waitFor();
    expect(await page.getByLabel('Nouveau mot de passe').inputValue()).toBe('');
    password = 'le nouveau mot de passe';
    const login = await api(app.url).post('/auth/login', { email: admin.email, password });
    expect(login.status).toBe(200);
  });

  it('shows a new API token once, lists it, and revokes it', async () => {
    await skipBrowserValidation(page, 'form[action="?/createToken"]');
    await page.getByRole('button', { name: 'Créer un jeton' }).click();
    await expect(page.locator('#f-name-error').textContent()).resolves.toBe('Au moins 1 caractère(s).');

    await page.getByLabel('Nom du jeton').fill('Tableur du secrétariat');
    await page.getByRole('button', { name: 'Créer un jeton' }).click();
    await page.getByRole('status').filter({ hasText: 'Jeton « Tableur du secrétariat » créé.' }).waitFor();
    await expect(page.getByText('il ne sera plus jamais affiché').count()).resolves.toBe(1);
    const token = (await page.locator('code.copy').textContent())!.trim();
    expect(token).toMatch(/^cnc_/);
    await expectNoSeriousAxeViolations(page);
    await snap(page, 'account-token-1024');

    const bearer = { headers: { authorization: `Bearer ${token}` } };
    expect((await api(app.url).get('/auth/me', bearer)).status).toBe(200);

    await page.reload();
    await expect(page.locator('code.copy').count()).resolves.toBe(0);
    const card = page.locator('li.card').filter({ hasText: 'Tableur du secrétariat' });
    await expect(card.getByText('Dernière utilisation :').count()).resolves.toBe(1);

    await page.getByRole('button', { name: 'Révoquer le jeton « Tableur du secrétariat »' }).click();
    await page.getByRole('status').filter({ hasText: 'Jeton « Tableur du secrétariat » révoqué' }).waitFor();
    await expect(page.getByText("Vous n'avez aucun jeton.").count()).resolves.toBe(1);
    expect((await api(app.url).get('/auth/me', bearer)).status).toBe(401);
  });

  it('saves the preferred language and reopens the account in it', async () => {
    await page.getByLabel('English', { exact: true }).check();
    await page.getByRole('button', { name: 'Enregistrer la langue' }).click();
    await page.waitForURL((url) => url.pathname === '/en/account');
    await page.getByRole('status').filter({ hasText: 'Your preferred language has been saved.' }).waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('My account');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expectNoSeriousAxeViolations(page);
    const rows = await app.db.query<{ locale: string }>('select locale from users where id = $1', [admin.userId]);
    expect(rows[0].locale).toBe('en');

    await page.getByLabel('Français', { exact: true }).check();
    await page.getByRole('button', { name: 'Save the language' }).click();
    await page.waitForURL((url) => url.pathname === '/account');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Mon compte');
  });

  it('logs out of every device', async () => {
    const other = await person();
    await other.goto('/login');
    await logIn(other);
    await other.waitForURL((url) => url.pathname !== '/login');
    await other.goto('/account');
    expect(pathOf(other)).toBe('/account');

    await page.getByRole('button', { name: 'Me déconnecter partout' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await other.goto('/account');
    expect(pathOf(other)).toBe('/login');
    const sessions = await app.db.query<{ n: number }>('select count(*)::int as n from sessions where user_id = $1', [admin.userId]);
    expect(sessions[0].n).toBe(0);
  });
});
