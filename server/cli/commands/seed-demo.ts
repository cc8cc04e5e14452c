import type { Config } from '../../config.ts';
import { DEMO_ORG_NAME } from '../../demo/demo-data.ts';
import { seedDemo, type DemoSeedResult } from '../../demo/demo-seed.ts';
import { bi } from '../../shared/app-error.ts';
import type { CliCommand, CliContext } from '../command.ts';
import { table } from '../output.ts';
import { describeDb } from './db-label.ts';

/** Opens the configured database, seeds the demo organisation, closes the database. */
export async function runDemoSeed(ctx: CliContext, config: Config, force: boolean): Promise<DemoSeedResult> {
  ctx.out(`Base / Database: ${describeDb(config)}`);
  const result = await ctx.withDb((db) => seedDemo(db, { force }));
  const o = result.organisation;
  const what = {
    created: `Organisation de démonstration créée / Demo organisation created`,
    recreated: `Organisation de démonstration recréée (--force) / Demo organisation recreated (--force)`,
    skipped: `Organisation de démonstration déjà présente, rien à faire (--force pour la recréer) / Demo organisation already there, nothing to do (--force to recreate it)`
  }[result.status];
  ctx.out(`${what}: ${o.name} (${o.slug})`);
  return result;
}

export function printDemoLogins(ctx: CliContext, result: DemoSeedResult): void {
  ctx.out('');
  ctx.out('Comptes de démonstration / Demo logins:');
  ctx.out(
    table(
      ['Nom / Name', 'Rôle / Role', 'E-mail', 'Mot de passe / Password'],
      result.logins.map((l) => [l.fullName, `${l.title.fr} / ${l.title.en}`, l.email, l.password])
    )
  );
  ctx.out('');
  if (result.status === 'skipped') {
    ctx.out('Si un mot de passe a été changé depuis, relancez avec --force. / If a password was changed since, run again with --force.');
  }
  ctx.out('Personnes inventées, mot de passe connu de tous : jamais en production. / Invented people, a password everyone knows: never in production.');
}

export const seedDemoCommand: CliCommand = {
  name: 'seed-demo',
  summary: bi(
    `Crée l'organisation de démonstration « ${DEMO_ORG_NAME} » et affiche ses comptes.`,
    `Creates the demo organisation "${DEMO_ORG_NAME}" and prints its logins.`
  ),
  details: [
    bi(
      'Un CCL à parité (4 représentants du bailleur, 4 des locataires CNL et CLCV, une secrétaire, un observateur), un groupe de travail espaces verts, un groupe d’ateliers « Les seniors du parc social », la prochaine réunion du CCL, convoquée, avec son ordre du jour, et un premier world café préparé (trois tables et leurs hôtes). Personnes inventées.',
      'A CCL at parity (4 landlord and 4 CNL and CLCV tenant representatives, a secretary, an observer), a green-spaces working group, a "seniors in social housing" workshop group, the CCL\'s next meeting, convened, with its agenda, and a first world café prepared (three tables and their hosts). Invented people.'
    ),
    bi(
      'Relancer ne duplique rien : l’organisation existante est laissée telle quelle, sauf avec --force.',
      'Running it again duplicates nothing: the existing organisation is left as is, unless --force.'
    )
  ],
  options: [
    {
      name: 'force',
      kind: 'boolean',
      help: bi("Supprime l'organisation de démonstration (et elle seule) puis la recrée.", 'Deletes the demo organisation (and only it), then creates it again.')
    }
  ],
  async run(ctx) {
    const result = await runDemoSeed(ctx, ctx.config(), ctx.flag('force'));
    printDemoLogins(ctx, result);
    return 0;
  }
};
