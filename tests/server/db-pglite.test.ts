import { openPglite } from '../../server/db/pglite-db.ts';
import { registerDbContractTests } from '../helpers/db-contract.ts';

registerDbContractTests('PGlite (in memory)', () => openPglite());
