import { bi } from '../../shared/app-error.ts';
import { KEEP_RUNNING, type CliCommand } from '../command.ts';
import { printDemoLogins, runDemoSeed } from './seed-demo.ts';

export const DEFAULT_DEMO_DATA_DIR = './data-demo';

export const demo: CliCommand = {
  name: 'demo',
  summary: bi(
    'Démarre Concerto sur un dossier de données à part, rempli avec l’organisation de démonstration.',
    'Starts Concerto on a separate data directory, filled with the demo organisation.'
  ),
  details: [
    bi(
      `Dossier : DEMO_DATA_DIR, sinon ${DEFAULT_DEMO_DATA_DIR} (ignoré si DATABASE_URL est défini). Puis comme npm start : construit les pages si besoin et lance le serveur.`,
      `Directory: DEMO_DATA_DIR, else ${DEFAULT_DEMO_DATA_DIR} (ignored when DATABASE_URL is set). Then like npm start: builds the pages when needed and runs the server.`
    )
  ],
  options: [
    { name: 'force', kind: 'boolean', help: bi("Recrée d'abord l'organisation de démonstration.", 'Recreates the demo organisation first.') }
  ],
  async run(ctx) {
    // The server (server/main.ts) reads its configuration from process.env, so the demo
    // directory is set there, before the configuration is read by anyone.
    if (!ctx.env.DATABASE_URL) ctx.env.DATA_DIR = process.env.DATA_DIR = ctx.env.DEMO_DATA_DIR || DEFAULT_DEMO_DATA_DIR;
    const config = ctx.config();
    // Seeding closes the database before the server opens it: a PGlite directory can only be open once.
    const result = await runDemoSeed(ctx, config, ctx.flag('force'));
    printDemoLogins(ctx, result);
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    ctx.out('');
    ctx.out(
      config.port === 0
        ? 'Démarrage du serveur… / Starting the server…'
        : `Démarrage sur / Starting on http://${shownHost}:${config.port}`
    );

    // scripts/start.mjs is what `npm start` runs: build when needed, then server/main.ts.
    const start = new URL('../../../scripts/start.mjs', import.meta.url).href;
    await import(start);
    return KEEP_RUNNING;
  }
};
