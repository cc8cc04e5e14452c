import type { z } from 'zod';
import { AccessService } from '../../access.ts';
import { OrganisationService } from '../../organisations/organisations.service.ts';
import { AppError, bi } from '../../shared/app-error.ts';
import { slugify } from '../../shared/slug.ts';
import { fields, validate } from '../../shared/validate.ts';
import { UsageError } from '../args.ts';
import type { CliCommand } from '../command.ts';
import { describeDb } from './db-label.ts';

/** Checks one option's value with the same rules as the forms; a bad value is a usage error. */
function checked<S extends z.ZodType>(command: string, option: string, schema: S, value: unknown): z.output<S> {
  try {
    return validate(schema, value);
  } catch (err) {
    if (err instanceof AppError) {
      const t = err.fields?._ ?? Object.values(err.fields ?? {})[0] ?? err.text;
      throw new UsageError(bi(`--${option} : ${t.fr}`, `--${option}: ${t.en}`), command);
    }
    throw err;
  }
}

export const createAdmin: CliCommand = {
  name: 'create-admin',
  summary: bi(
    'Crée une organisation (si elle n’existe pas) et son administrateur.',
    'Creates an organisation (when missing) and its administrator.'
  ),
  details: [
    bi(
      'Si le compte existe déjà, son mot de passe est remplacé et il devient administrateur de l’organisation. Le compte administre aussi l’installation.',
      'When the account exists, its password is replaced and it becomes the organisation’s administrator. The account also administers the install.'
    ),
    bi(
      'Avec PGlite (sans DATABASE_URL), arrêtez le serveur avant : le dossier de données ne s’ouvre qu’une fois.',
      'With PGlite (no DATABASE_URL), stop the server first: the data directory can only be opened once.'
    )
  ],
  options: [
    { name: 'org', kind: 'string', required: true, placeholder: bi('nom', 'name'), help: bi("Nom de l'organisation, par ex. « Office 64 de l'Habitat ».", "Organisation name, e.g. \"Office 64 de l'Habitat\".") },
    { name: 'email', kind: 'string', required: true, placeholder: bi('e-mail', 'email'), help: bi('Adresse e-mail de connexion.', 'Login email address.') },
    { name: 'password', kind: 'string', required: true, placeholder: bi('mot de passe', 'password'), help: bi('Mot de passe, 10 caractères au moins.', 'Password, at least 10 characters.') },
    { name: 'name', kind: 'string', placeholder: bi('nom', 'name'), help: bi("Nom affiché de l'administrateur (par défaut : le début de l'e-mail).", 'Display name of the administrator (default: the start of the email).') }
  ],
  async run(ctx) {
    const orgName = checked('create-admin', 'org', fields.name(2, 200), ctx.option('org'));
    const email = checked('create-admin', 'email', fields.email(), ctx.option('email'));
    const password = checked('create-admin', 'password', fields.password(), ctx.option('password'));
    const rawName = ctx.option('name');
    const adminName = rawName === undefined ? undefined : checked('create-admin', 'name', fields.name(2, 120), rawName);

    const config = ctx.config();
    ctx.out(`Base / Database: ${describeDb(config)}`);
    const result = await ctx.withDb(async (db) => {
      const slug = slugify(orgName);
      const [orgBefore] = await db.query('select 1 from organisations where slug = $1', [slug]);
      const [userBefore] = await db.query('select 1 from users where lower(email) = $1', [email]);
      const organisations = new OrganisationService(db, new AccessService(db));
      const done = await organisations.ensureWithAdmin({ orgName, email, password, adminName, platformAdmin: true });
      return { ...done, orgCreated: !orgBefore, userCreated: !userBefore };
    });

    const o = result.organisation;
    ctx.out(
      result.orgCreated
        ? `Organisation créée / Organisation created: ${o.name} (${o.slug})`
        : `Organisation existante / Existing organisation: ${o.name} (${o.slug})`
    );
    ctx.out(
      result.userCreated
        ? `Administrateur créé / Administrator created: ${email}`
        : `Compte existant, mot de passe remplacé, administrateur / Existing account, password replaced, administrator: ${email}`
    );
    return 0;
  }
};
