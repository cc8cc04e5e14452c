import type { AuthUser } from '../auth/sessions.ts';
import type { Guest } from '../guests/guests.service.ts';

/**
 * Who asks the harvest service: a signed-in user, or a guest who joined a workshop with its code.
 * Stateless, so the pages' server files may import it (they never import a service as a value).
 */
export type HarvestActor = { kind: 'user'; user: AuthUser } | { kind: 'guest'; guest: Pick<Guest, 'id' | 'displayName' | 'targetKind' | 'targetId' | 'organisationId'> };

/** An account first; a guest session only without one. */
export const harvestActorOf = (user: AuthUser | null, guest: Guest | null): HarvestActor | null =>
  user ? { kind: 'user', user } : guest ? { kind: 'guest', guest } : null;
