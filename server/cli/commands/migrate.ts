import { loadMigrations } from '../../db/migrate.ts';
import { bi } from '../../shared/app-error.ts';
import type { CliCommand } from '../command.ts';
import { describeDb } from './db-label.ts';

export const migrate: CliCommand = {
  name: 'migrate',
  summary: bi('Applique les migrations de la base de données en attente.', 'Applies pending database migrations.'),
  details: [
    bi(
      'Le serveur le fait aussi à chaque démarrage ; deux instances qui démarrent ensemble ne les appliquent qu’une fois.',
      'The server also does it at every start; two instances starting together apply them once.'
    )
  ],
  async run(ctx) {
    const config = ctx.config();
    ctx.out(`Base / Database: ${describeDb(config)}`);
    const names = new Map(loadMigrations().map((m) => [m.version, m.name]));
    const applied = await ctx.withDb(async (_db, applied) => applied);
    if (applied.length === 0) {
      ctx.out('Base à jour, aucune migration à appliquer. / Database up to date, no migration to apply.');
    } else {
      ctx.out(`Migrations appliquées (${applied.length}) / Migrations applied (${applied.length}):`);
      for (const v of applied) ctx.out(`  ${names.get(v) ?? String(v).padStart(4, '0')}`);
    }
    return 0;
  }
};
