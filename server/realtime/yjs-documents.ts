import type { IncomingMessage } from 'node:http';
import { policy } from '../auth/policy.ts';
import type { Services } from '../services.ts';
import type { RequestIdentity } from '../http/request-auth.ts';
import type { YjsAuthResult, YjsEditGuard } from '../yjs/yjs-server.ts';
import { minutesDocumentAuthorizer } from '../minutes/minutes.documents.ts';
import { lockedRoundsContent, restoreLockedRounds, type LockedRoundsContent } from '../../src/lib/workshops/tablecloth.ts';

/**
 * Which co-edited documents exist and who may open them. A document name is
 * `<kind>:<uuid>[:<part>]`; each kind registers how to authorise it (charters, minutes and
 * tablecloths come with their issues). The foundation registers `body:<uuid>:notes`, a body's
 * shared notes: members edit, observers and other people of the organisation read.
 */
export type DocumentAuthorizer = (identity: RequestIdentity, id: string, part: string | undefined) => Promise<YjsAuthResult>;

const DOC_NAME = /^([a-z-]+):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?::([a-z0-9-]{1,40}))?$/;

export class YjsDocumentRegistry {
  private readonly kinds = new Map<string, DocumentAuthorizer>();

  constructor(private readonly services: Services) {
    this.register('body', async (identity, bodyId, part) => {
      if (part !== 'notes') return { ok: false, reason: 'notFound' };
      const user = identity.user;
      if (!user) return { ok: false, reason: 'forbidden' };
      const orgId = await services.access.organisationOfBody(bodyId);
      if (!orgId) return { ok: false, reason: 'notFound' };
      const access = await services.access.forOrganisation(user, orgId);
      if (!policy.readBodyDocuments(access)) return { ok: false, reason: 'forbidden' };
      return {
        ok: true,
        access: policy.editBodyDocuments(access, bodyId) ? 'edit' : 'read',
        principal: { id: user.id, name: user.displayName }
      };
    });
    // A world-café table's tablecloth (issue 7): the workshop's participants and facilitators
    // edit, others who may see the workshop read; guests only their own workshop's tables.
    this.register('tablecloth', async (identity, tableId, part) => {
      if (part !== undefined) return { ok: false, reason: 'notFound' };
      const res = await services.workshops.tableclothAccess({ user: identity.user, guest: identity.user ? null : identity.guest }, tableId);
      if (res === 'notFound' || res === 'forbidden') return { ok: false, reason: res };
      return { ok: true, access: res.access, principal: { id: res.id, name: res.name }, guard: tableclothGuard(res.lockedRounds) };
    });
    // A body's co-written text (issue 6): members edit while it is a draft or in review, the rest
    // of the organisation reads; read-only for everyone once adopted (server/charters/charter-policy.ts).
    this.register('charter', (identity, charterId, part) => services.charters.authorizeDocument(identity, charterId, part));
    // A meeting's minutes (issue 6): server/minutes/minutes.documents.ts.
    this.register('minutes', minutesDocumentAuthorizer(() => services.minutes));
  }

  register(kind: string, authorizer: DocumentAuthorizer): void {
    this.kinds.set(kind, authorizer);
  }

  readonly authorize = async (req: IncomingMessage, docName: string): Promise<YjsAuthResult> => {
    const identity = await this.services.authenticator.identify(req);
    if (!identity.user && !identity.guest) return { ok: false, reason: 'unauthorised' };
    const m = DOC_NAME.exec(docName);
    const authorizer = m ? this.kinds.get(m[1]) : undefined;
    if (!m || !authorizer) return { ok: false, reason: 'notFound' };
    // Guests reach only what a kind's authorizer explicitly allows them.
    return authorizer(identity, m[2], m[3]);
  };
}

/** A tablecloth's locked rounds stay as they were, whatever an editor sends (none locked: no guard). */
export function tableclothGuard(lockedRounds: number[]): YjsEditGuard | undefined {
  if (lockedRounds.length === 0) return undefined;
  return {
    snapshot: (doc) => lockedRoundsContent(doc, lockedRounds),
    restore: (doc, before) => restoreLockedRounds(doc, lockedRounds, before as LockedRoundsContent)
  };
}
