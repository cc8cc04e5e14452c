import type { Logger } from 'pino';
import type { AccessService } from '../access.ts';
import { insertAction } from '../actions/actions.service.ts';
import { actionFromIdeaSchema } from '../actions/actions.schemas.ts';
import { policy } from '../auth/policy.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { Db, Queryable } from '../db/db.ts';
import { AppError, Errors, bi, type Bilingual } from '../shared/app-error.ts';
import { isUuid, validate } from '../shared/validate.ts';
import type { DocumentStore } from '../yjs/document-store.ts';
import { readNotes, tableclothDocName } from '../../src/lib/workshops/tablecloth.ts';
import type { HarvestCapabilities, HarvestIdea, HarvestJoined, HarvestMine, HarvestState, HarvestTheme } from '../../src/lib/protocol/harvest-state.ts';
import { checkPlaceDot, checkRemoveDot, clampIndex, progressOf, rankIdeas, resultsVisible, type DotRefusal, type DotSettings, type HarvestPhase } from './dot-votes.ts';
import { moveSchema, phaseSchema, settingsSchema, themeNameSchema } from './harvest.schemas.ts';
import type { HarvestActor } from './harvest-actor.ts';

export { harvestActorOf, type HarvestActor } from './harvest-actor.ts';

const WORKSHOP = bi('Atelier', 'Workshop');
const IDEA = bi('Idée', 'Idea');
const THEME = bi('Thème', 'Theme');

export interface HarvestChange {
  workshopId: string;
  /** The voter whose own dots changed, for their other devices, and those dots as committed. */
  voter?: { key: string; mine: HarvestMine };
}
export type HarvestChangeListener = (change: HarvestChange) => void;

interface WorkshopRow {
  id: string;
  organisation_id: string;
  body_id: string;
  title: string;
  created_by: string | null;
}

interface HarvestRow {
  workshop_id: string;
  phase: HarvestPhase;
  dots_per_person: number;
  allow_stacking: boolean;
  results_mode: 'live' | 'hidden';
  gathered_at: Date | null;
  rev: string | number;
}

export interface HarvestCtx {
  workshop: WorkshopRow;
  actor: HarvestActor;
  voterKey: string;
  displayName: string;
  capabilities: HarvestCapabilities;
}

const settingsOf = (h: HarvestRow): DotSettings => ({ dotsPerPerson: h.dots_per_person, allowStacking: h.allow_stacking, resultsMode: h.results_mode });

const REFUSALS: Record<DotRefusal, Bilingual> = {
  not_voting: bi('Le vote par gommettes n’est pas ouvert.', 'Dot voting is not open.'),
  no_dots_left: bi('Vous avez placé toutes vos gommettes. Retirez-en une pour la placer ailleurs.', 'You have placed all your dots. Take one back to place it elsewhere.'),
  no_stacking: bi('Une seule gommette par idée pour ce vote.', 'Only one dot per idea in this vote.'),
  no_dot_here: bi('Vous n’avez pas de gommette sur cette idée.', 'You have no dot on this idea.')
};
const refuse = (r: DotRefusal) => new AppError('conflict', REFUSALS[r], { ideaId: REFUSALS[r] });

/**
 * The harvest of a world-café workshop: one board gathering every table's notes (copied once from
 * the tablecloth documents into `harvest_ideas`), themes, and dot voting stored in Postgres. Every
 * change runs in one transaction that first bumps the harvest's revision (taking its row lock, so
 * changes to one workshop are serialised and revisions follow commit order), then notifies the
 * listeners after the commit (the Socket.IO handlers broadcast the new state).
 */
export class HarvestService {
  private readonly listeners = new Set<HarvestChangeListener>();

  constructor(
    private readonly db: Db,
    private readonly access: AccessService,
    private readonly documents: DocumentStore,
    private readonly logger: Logger
  ) {}

  onChange(listener: HarvestChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: HarvestChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.logger.error({ err, workshopId: change.workshopId }, 'harvest change listener failed');
      }
    }
  }

  // Who may do what ------------------------------------------------------------------------

  private async workshopRow(workshopId: string): Promise<WorkshopRow | null> {
    if (!isUuid(workshopId)) return null;
    const rows = await this.db.query<WorkshopRow>('select id, organisation_id, body_id, title, created_by from workshops where id = $1', [workshopId]);
    return rows[0] ?? null;
  }

  /** Resolves the asker's rights on a workshop's harvest; a workshop they may not see is "not found". */
  async context(actor: HarvestActor | null, workshopId: string, known?: WorkshopRow): Promise<HarvestCtx> {
    if (!actor) throw Errors.unauthorised();
    const workshop = known ?? (await this.workshopRow(workshopId));
    if (!workshop) throw Errors.notFound(WORKSHOP);
    if (actor.kind === 'guest') {
      const g = actor.guest;
      // A guest sees only the workshop their code opened.
      if (g.targetKind !== 'workshop' || g.targetId !== workshop.id || g.organisationId !== workshop.organisation_id) throw Errors.notFound(WORKSHOP);
      return { workshop, actor, voterKey: `guest:${g.id}`, displayName: g.displayName, capabilities: { canManage: false, canGroup: true, canVote: true } };
    }
    const access = await this.access.forOrganisation(actor.user, workshop.organisation_id);
    // Members of the body, and people of the organisation added to this workshop as participants.
    const participant =
      !!access?.personId &&
      (await this.db.query('select 1 from workshop_participants where workshop_id = $1 and person_id = $2', [workshop.id, access.personId])).length > 0;
    if (!access || !(policy.viewMeeting(access, workshop.body_id) || participant)) throw Errors.notFound(WORKSHOP);
    const canManage = policy.manageMeeting(access, workshop.body_id) || workshop.created_by === actor.user.id;
    const takesPart = canManage || participant || policy.takePartInMeeting(access, workshop.body_id);
    return {
      workshop,
      actor,
      voterKey: `user:${actor.user.id}`,
      displayName: actor.user.displayName,
      capabilities: { canManage, canGroup: takesPart, canVote: takesPart }
    };
  }

  async capabilities(actor: HarvestActor | null, workshopId: string): Promise<HarvestCapabilities> {
    return (await this.context(actor, workshopId)).capabilities;
  }

  /** For the Socket.IO room check: may this actor receive the harvest's state? */
  async canView(actor: HarvestActor, workshopId: string): Promise<boolean> {
    try {
      await this.context(actor, workshopId);
      return true;
    } catch {
      return false;
    }
  }

  private async ensureHarvest(workshopId: string): Promise<void> {
    await this.db.query('insert into harvests (workshop_id) values ($1) on conflict (workshop_id) do nothing', [workshopId]);
  }

  // Reading --------------------------------------------------------------------------------

  /** Joins the harvest: registers a participant as a voter (so "everyone has voted" counts them) and answers the full state. */
  async join(actor: HarvestActor | null, workshopId: string): Promise<HarvestJoined & { voterKey: string }> {
    const c = await this.context(actor, workshopId);
    await this.ensureHarvest(workshopId);
    // The facilitator is counted once they place a dot; participants as soon as they open the board.
    if (c.capabilities.canVote && !c.capabilities.canManage) {
      const inserted = await this.db.query(
        `insert into harvest_voters (workshop_id, voter_key, display_name, dots_allowed)
         select workshop_id, $2, $3, dots_per_person from harvests where workshop_id = $1
         on conflict (workshop_id, voter_key) do nothing returning voter_key`,
        [workshopId, c.voterKey, c.displayName]
      );
      if (inserted.length) {
        await this.db.query('update harvests set rev = rev + 1 where workshop_id = $1', [workshopId]);
        this.changed({ workshopId });
      }
    }
    return { state: await this.snapshot(workshopId), mine: await this.mine(workshopId, c.voterKey), capabilities: c.capabilities, voterKey: c.voterKey };
  }

  async state(actor: HarvestActor | null, workshopId: string): Promise<HarvestState> {
    await this.context(actor, workshopId);
    await this.ensureHarvest(workshopId);
    return this.snapshot(workshopId);
  }

  /** The board without a permission check: for broadcasting to a room already checked. */
  async snapshot(workshopId: string): Promise<HarvestState> {
    const [h] = await this.db.query<HarvestRow & { title: string; body_id: string }>(
      `select h.*, w.title, w.body_id from harvests h join workshops w on w.id = h.workshop_id where h.workshop_id = $1`,
      [workshopId]
    );
    if (!h) throw Errors.notFound(WORKSHOP);
    const [themes, ideaRows, dotRows, voters, actions] = await Promise.all([
      this.db.query<{ id: string; name: string; position: number }>('select id, name, position from harvest_themes where workshop_id = $1 order by position, created_at, id', [workshopId]),
      this.db.query<{ id: string; table_id: string; table_name: string; round: number; text: string; author_name: string | null; colour: string; theme_id: string | null; position: number }>(
        `select i.id, i.table_id, t.name as table_name, i.round, i.text, i.author_name, i.colour, i.theme_id, i.position
           from harvest_ideas i join workshop_tables t on t.id = i.table_id
           left join harvest_themes th on th.id = i.theme_id
          where i.workshop_id = $1
          order by th.position nulls last, th.created_at, i.position, i.created_at, i.id`,
        [workshopId]
      ),
      this.db.query<{ idea_id: string; n: number }>('select idea_id, count(*)::int as n from harvest_dots where workshop_id = $1 group by idea_id', [workshopId]),
      this.db.query<{ used: number; allowed: number }>('select dots_used as used, dots_allowed as allowed from harvest_voters where workshop_id = $1', [workshopId]),
      this.db.query<{ id: string; source_idea_id: string }>('select id, source_idea_id from actions where source_workshop_id = $1 and source_idea_id is not null', [workshopId])
    ]);
    const settings = settingsOf(h);
    const visible = resultsVisible(settings, h.phase, voters);
    const dots = Object.fromEntries(dotRows.map((d) => [d.idea_id, d.n]));
    const actionOf = new Map(actions.map((a) => [a.source_idea_id, a.id]));
    const ideas: HarvestIdea[] = ideaRows.map((i) => ({
      id: i.id,
      tableId: i.table_id,
      tableName: i.table_name,
      round: i.round,
      text: i.text,
      authorName: i.author_name,
      colour: i.colour,
      themeId: i.theme_id,
      position: i.position,
      dots: visible ? (dots[i.id] ?? 0) : null,
      actionId: actionOf.get(i.id) ?? null
    }));
    return {
      workshopId,
      workshopTitle: h.title,
      bodyId: h.body_id,
      rev: Number(h.rev),
      phase: h.phase,
      settings,
      gatheredAt: h.gathered_at ? new Date(h.gathered_at).toISOString() : null,
      themes: themes as HarvestTheme[],
      ideas,
      resultsVisible: visible,
      ranking: visible ? rankIdeas(ideas.map((i, order) => ({ id: i.id, order })), dots) : null,
      progress: progressOf(voters)
    };
  }

  async mine(workshopId: string, voterKey: string): Promise<HarvestMine> {
    const [rows, voter, h] = await Promise.all([
      this.db.query<{ idea_id: string; n: number }>('select idea_id, count(*)::int as n from harvest_dots where workshop_id = $1 and voter_key = $2 group by idea_id', [workshopId, voterKey]),
      this.db.query<{ dots_used: number; dots_allowed: number }>('select dots_used, dots_allowed from harvest_voters where workshop_id = $1 and voter_key = $2', [workshopId, voterKey]),
      this.db.query<{ dots_per_person: number }>('select dots_per_person from harvests where workshop_id = $1', [workshopId])
    ]);
    return {
      workshopId,
      dots: Object.fromEntries(rows.map((r) => [r.idea_id, r.n])),
      used: voter[0]?.dots_used ?? 0,
      allowed: voter[0]?.dots_allowed ?? h[0]?.dots_per_person ?? 0
    };
  }

  /** The asker's own dots. */
  async mineFor(actor: HarvestActor | null, workshopId: string): Promise<HarvestMine> {
    const c = await this.context(actor, workshopId);
    return this.mine(workshopId, c.voterKey);
  }

  // Changing -------------------------------------------------------------------------------

  /**
   * Runs a change in one transaction that first bumps the revision (locking the harvest row), then
   * notifies after the commit.
   */
  private async mutate<T>(c: HarvestCtx, fn: (tx: Queryable, h: HarvestRow) => Promise<T>, voterOf?: (result: T) => HarvestChange['voter']): Promise<T> {
    const run = () =>
      this.db.transaction(async (tx) => {
        const [h] = await tx.query<HarvestRow>('update harvests set rev = rev + 1 where workshop_id = $1 returning *', [c.workshop.id]);
        return h ? { done: true as const, value: await fn(tx, h) } : { done: false as const };
      });
    let out = await run();
    if (!out.done) {
      // The first change of this harvest: create its row, then run the change.
      await this.ensureHarvest(c.workshop.id);
      out = await run();
      if (!out.done) throw Errors.notFound(WORKSHOP);
    }
    this.changed({ workshopId: c.workshop.id, voter: voterOf?.(out.value) });
    return out.value;
  }

  /** The voter's dots as the transaction sees them (after its change). */
  private async mineIn(q: Queryable, workshopId: string, voterKey: string, fallbackAllowed: number): Promise<HarvestMine> {
    const [rows, voter] = await Promise.all([
      q.query<{ idea_id: string; n: number }>('select idea_id, count(*)::int as n from harvest_dots where workshop_id = $1 and voter_key = $2 group by idea_id', [workshopId, voterKey]),
      q.query<{ dots_used: number; dots_allowed: number }>('select dots_used, dots_allowed from harvest_voters where workshop_id = $1 and voter_key = $2', [workshopId, voterKey])
    ]);
    return {
      workshopId,
      dots: Object.fromEntries(rows.map((r) => [r.idea_id, r.n])),
      used: voter[0]?.dots_used ?? 0,
      allowed: voter[0]?.dots_allowed ?? fallbackAllowed
    };
  }

  private async ideaContext(actor: HarvestActor | null, ideaId: string): Promise<{ c: HarvestCtx; ideaId: string }> {
    const rows = isUuid(ideaId)
      ? await this.db.query<WorkshopRow>(
          'select w.id, w.organisation_id, w.body_id, w.title, w.created_by from harvest_ideas i join workshops w on w.id = i.workshop_id where i.id = $1',
          [ideaId]
        )
      : [];
    if (!rows.length) throw Errors.notFound(IDEA);
    const c = await this.context(actor, rows[0].id, rows[0]).catch((err) => {
      throw err instanceof AppError && err.code === 'not_found' ? Errors.notFound(IDEA) : err;
    });
    return { c, ideaId };
  }

  private async themeContext(actor: HarvestActor | null, themeId: string): Promise<HarvestCtx> {
    const rows = isUuid(themeId) ? await this.db.query<{ workshop_id: string }>('select workshop_id from harvest_themes where id = $1', [themeId]) : [];
    if (!rows.length) throw Errors.notFound(THEME);
    return this.context(actor, rows[0].workshop_id).catch((err) => {
      throw err instanceof AppError && err.code === 'not_found' ? Errors.notFound(THEME) : err;
    });
  }

  /**
   * Copies every table's notes from the tablecloth documents onto the board. A note already
   * gathered is left as it is (and where it was grouped), so gathering again adds only new notes.
   */
  async gather(actor: HarvestActor | null, workshopId: string): Promise<{ added: number }> {
    const c = await this.context(actor, workshopId);
    if (!c.capabilities.canManage) throw Errors.forbidden();
    const tables = await this.db.query<{ id: string }>('select id from workshop_tables where workshop_id = $1 order by position, id', [workshopId]);
    const notes: { tableId: string; id: string; text: string; authorName: string | null; colour: string; round: number }[] = [];
    for (const t of tables) {
      const ydoc = await this.documents.open(tableclothDocName(t.id));
      try {
        for (const n of readNotes(ydoc)) {
          const text = n.text.trim().slice(0, 1000);
          if (n.id && text) notes.push({ tableId: t.id, id: n.id, text, authorName: n.authorName, colour: n.colour, round: n.round });
        }
      } finally {
        ydoc.destroy();
      }
    }
    return this.mutate(c, async (tx) => {
      const [{ next }] = await tx.query<{ next: number }>('select coalesce(max(position), -1)::int + 1 as next from harvest_ideas where workshop_id = $1 and theme_id is null', [workshopId]);
      let added = 0;
      for (const n of notes) {
        const rows = await tx.query(
          `insert into harvest_ideas (workshop_id, table_id, round, source_note_id, text, author_name, colour, position)
           values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (table_id, source_note_id) do nothing returning id`,
          [workshopId, n.tableId, n.round, n.id, n.text, n.authorName, n.colour, next + added]
        );
        added += rows.length;
      }
      await tx.query('update harvests set gathered_at = now() where workshop_id = $1', [workshopId]);
      return { added };
    });
  }

  async updateSettings(actor: HarvestActor | null, workshopId: string, input: unknown): Promise<HarvestState> {
    const c = await this.context(actor, workshopId);
    if (!c.capabilities.canManage) throw Errors.forbidden();
    const data = validate(settingsSchema, input);
    await this.mutate(c, async (tx, h) => {
      const [{ n }] = await tx.query<{ n: number }>('select count(*)::int as n from harvest_dots where workshop_id = $1', [workshopId]);
      if (h.phase !== 'grouping' || n > 0) {
        throw Errors.conflict(bi('Les règles du vote ne changent plus une fois le vote commencé.', 'The voting rules cannot change once voting has started.'), 'dotsPerPerson');
      }
      await tx.query(
        `update harvests set dots_per_person = coalesce($2, dots_per_person), allow_stacking = coalesce($3, allow_stacking), results_mode = coalesce($4, results_mode)
          where workshop_id = $1`,
        [workshopId, data.dotsPerPerson ?? null, data.allowStacking ?? null, data.resultsMode ?? null]
      );
      if (data.dotsPerPerson !== undefined) await tx.query('update harvest_voters set dots_allowed = $2 where workshop_id = $1', [workshopId, data.dotsPerPerson]);
    });
    return this.snapshot(workshopId);
  }

  async setPhase(actor: HarvestActor | null, workshopId: string, input: unknown): Promise<HarvestState> {
    const c = await this.context(actor, workshopId);
    if (!c.capabilities.canManage) throw Errors.forbidden();
    const { phase } = validate(phaseSchema, input);
    await this.mutate(c, async (tx) => {
      if (phase === 'grouping') {
        const [{ n }] = await tx.query<{ n: number }>('select count(*)::int as n from harvest_dots where workshop_id = $1', [workshopId]);
        if (n > 0) throw Errors.conflict(bi('Des gommettes sont déjà placées : le vote ne peut que rouvrir ou se clore.', 'Dots have been placed: voting can only reopen or close.'), 'phase');
      }
      await tx.query('update harvests set phase = $2 where workshop_id = $1', [workshopId, phase]);
    });
    return this.snapshot(workshopId);
  }

  async createTheme(actor: HarvestActor | null, workshopId: string, input: unknown): Promise<HarvestTheme> {
    const c = await this.context(actor, workshopId);
    if (!c.capabilities.canGroup) throw Errors.forbidden();
    const { name } = validate(themeNameSchema, input);
    return this.mutate(c, async (tx, h) => {
      this.refuseWhenClosed(h);
      const [row] = await tx.query<HarvestTheme>(
        `insert into harvest_themes (workshop_id, name, position)
         values ($1, $2, (select coalesce(max(position), -1) + 1 from harvest_themes where workshop_id = $1)) returning id, name, position`,
        [workshopId, name]
      );
      return row;
    });
  }

  async renameTheme(actor: HarvestActor | null, themeId: string, input: unknown): Promise<void> {
    const c = await this.themeContext(actor, themeId);
    if (!c.capabilities.canGroup) throw Errors.forbidden();
    const { name } = validate(themeNameSchema, input);
    await this.mutate(c, async (tx, h) => {
      this.refuseWhenClosed(h);
      await tx.query('update harvest_themes set name = $2 where id = $1', [themeId, name]);
    });
  }

  /** Removes a theme; its ideas go back to "not yet grouped". */
  async removeTheme(actor: HarvestActor | null, themeId: string): Promise<void> {
    const c = await this.themeContext(actor, themeId);
    if (!c.capabilities.canGroup) throw Errors.forbidden();
    await this.mutate(c, async (tx, h) => {
      this.refuseWhenClosed(h);
      const [{ next }] = await tx.query<{ next: number }>('select coalesce(max(position), -1)::int + 1 as next from harvest_ideas where workshop_id = $1 and theme_id is null', [c.workshop.id]);
      await tx.query(
        `update harvest_ideas i set theme_id = null, position = $3 + o.n
           from (select id, row_number() over (order by position, created_at, id) - 1 as n from harvest_ideas where theme_id = $1) o
          where i.id = o.id and i.workshop_id = $2`,
        [themeId, c.workshop.id, next]
      );
      await tx.query('delete from harvest_themes where id = $1', [themeId]);
    });
  }

  /** Moves an idea into a theme (or back to "not yet grouped", themeId null) at a position. */
  async moveIdea(actor: HarvestActor | null, ideaId: string, input: unknown): Promise<void> {
    const { c } = await this.ideaContext(actor, ideaId);
    if (!c.capabilities.canGroup) throw Errors.forbidden();
    const data = validate(moveSchema, input);
    await this.mutate(c, async (tx, h) => {
      this.refuseWhenClosed(h);
      if (data.themeId) {
        const t = await tx.query('select 1 from harvest_themes where id = $1 and workshop_id = $2', [data.themeId, c.workshop.id]);
        if (!t.length) throw Errors.unprocessable(bi('Ce thème n’est pas sur ce tableau.', 'This theme is not on this board.'), 'themeId');
      }
      const others = await tx.query<{ id: string }>(
        `select id from harvest_ideas where workshop_id = $1 and theme_id is not distinct from $2 and id <> $3 order by position, created_at, id`,
        [c.workshop.id, data.themeId, ideaId]
      );
      const ids = others.map((o) => o.id);
      ids.splice(clampIndex(data.index, ids.length), 0, ideaId);
      await tx.query(
        `update harvest_ideas i set theme_id = $2, position = o.n - 1
           from unnest($3::uuid[]) with ordinality as o(id, n) where i.id = o.id and i.workshop_id = $1`,
        [c.workshop.id, data.themeId, ids]
      );
    });
  }

  private refuseWhenClosed(h: HarvestRow): void {
    if (h.phase === 'closed') throw Errors.conflict(bi('La récolte est close.', 'The harvest is closed.'));
  }

  /**
   * Places one dot. The voter's row counts the dots used; its check constraint
   * (`dots_used <= dots_allowed`) refuses one dot too many even if two requests race.
   */
  async placeDot(actor: HarvestActor | null, ideaId: string): Promise<HarvestMine> {
    const { c } = await this.ideaContext(actor, ideaId);
    if (!c.capabilities.canVote) throw Errors.forbidden();
    return this.mutate(
      c,
      async (tx, h) => {
        const settings = settingsOf(h);
        const mineRows = await tx.query<{ idea_id: string; n: number }>(
          'select idea_id, count(*)::int as n from harvest_dots where workshop_id = $1 and voter_key = $2 group by idea_id',
          [c.workshop.id, c.voterKey]
        );
        const dots: Record<string, number> = Object.fromEntries(mineRows.map((r) => [r.idea_id, r.n]));
        const refusal = checkPlaceDot(settings, h.phase, dots, ideaId);
        if (refusal) throw refuse(refusal);
        let voter: { dots_used: number; dots_allowed: number };
        try {
          [voter] = await tx.query<{ dots_used: number; dots_allowed: number }>(
            `insert into harvest_voters (workshop_id, voter_key, display_name, dots_allowed, dots_used) values ($1, $2, $3, $4, 1)
             on conflict (workshop_id, voter_key) do update set dots_used = harvest_voters.dots_used + 1
             returning dots_used, dots_allowed`,
            [c.workshop.id, c.voterKey, c.displayName, settings.dotsPerPerson]
          );
        } catch (err) {
          if ((err as { code?: string }).code === '23514') throw refuse('no_dots_left');
          throw err;
        }
        await tx.query('insert into harvest_dots (workshop_id, idea_id, voter_key) values ($1, $2, $3)', [c.workshop.id, ideaId, c.voterKey]);
        dots[ideaId] = (dots[ideaId] ?? 0) + 1;
        const mine: HarvestMine = { workshopId: c.workshop.id, dots, used: voter.dots_used, allowed: voter.dots_allowed };
        return mine;
      },
      (mine) => ({ key: c.voterKey, mine })
    );
  }

  async removeDot(actor: HarvestActor | null, ideaId: string): Promise<HarvestMine> {
    const { c } = await this.ideaContext(actor, ideaId);
    if (!c.capabilities.canVote) throw Errors.forbidden();
    return this.mutate(
      c,
      async (tx, h) => {
        const mineRows = await tx.query<{ n: number }>('select count(*)::int as n from harvest_dots where idea_id = $1 and voter_key = $2', [ideaId, c.voterKey]);
        const refusal = checkRemoveDot(h.phase, { [ideaId]: mineRows[0]?.n ?? 0 }, ideaId);
        if (refusal) throw refuse(refusal);
        await tx.query('delete from harvest_dots where id = (select max(id) from harvest_dots where idea_id = $1 and voter_key = $2)', [ideaId, c.voterKey]);
        await tx.query('update harvest_voters set dots_used = dots_used - 1 where workshop_id = $1 and voter_key = $2', [c.workshop.id, c.voterKey]);
        return this.mineIn(tx, c.workshop.id, c.voterKey, h.dots_per_person);
      },
      (mine) => ({ key: c.voterKey, mine })
    );
  }

  /** Makes an idea an action of the body's action plan (once: a second click answers the same action). */
  async toAction(actor: HarvestActor | null, ideaId: string, input: unknown = {}): Promise<{ actionId: string; created: boolean }> {
    const { c } = await this.ideaContext(actor, ideaId);
    if (!c.capabilities.canManage || c.actor.kind !== 'user') throw Errors.forbidden();
    const data = validate(actionFromIdeaSchema, input ?? {});
    const userId = c.actor.user.id;
    return this.mutate(c, async (tx) => {
      const [idea] = await tx.query<{ text: string }>('select text from harvest_ideas where id = $1', [ideaId]);
      const fromIdea = idea.text.replace(/\s+/g, ' ').trim();
      const title = data.title ?? (fromIdea.length > 200 ? `${fromIdea.slice(0, 199)}…` : fromIdea.length < 2 ? `${fromIdea} —` : fromIdea);
      return insertAction(tx, {
        organisationId: c.workshop.organisation_id,
        bodyId: c.workshop.body_id,
        title,
        description: fromIdea.length > 200 ? fromIdea : '',
        ownerPersonId: null,
        ownerText: data.ownerText ?? null,
        horizon: data.horizon ?? null,
        status: data.status ?? 'a_etudier',
        sourceKind: 'workshop',
        sourceWorkshopId: c.workshop.id,
        sourceIdeaId: ideaId,
        sourceMeetingId: null,
        createdBy: userId
      }).then((r) => ({ actionId: r.id, created: r.created }));
    });
  }
}
