/**
 * The live state of a world-café workshop as the server sends it (full, on join and after each
 * change, with a rising `rev`). Types only: shared by the browser and the server.
 */
export type WorkshopStatus = 'draft' | 'live' | 'closed';
export type WorkshopCollege = 'landlord' | 'tenant' | 'other';

export interface GridTemplate {
  rows: string[];
  columns: string[];
}

export interface WorkshopTableInfo {
  id: string;
  position: number;
  name: string;
  question: string;
  hostParticipantId: string | null;
  hostName: string | null;
  grid: GridTemplate | null;
}

export interface WorkshopParticipantInfo {
  id: string;
  name: string;
  kind: 'person' | 'guest';
  personId: string | null;
  college: WorkshopCollege;
  present: boolean;
}

export interface WorkshopSummary {
  id: string;
  organisationId: string;
  bodyId: string;
  bodyName: string;
  title: string;
  purpose: string;
  status: WorkshopStatus;
  roundCount: number;
  roundMinutes: number;
  anonymousNotes: boolean;
}

export interface WorkshopRound {
  /** 0 before the first round; 1..roundCount during the run. */
  current: number;
  startedAt: string | null;
  /** When the round ends in server time (moves with extensions and pauses); null before the first round. */
  endsAt: string | null;
  pausedAt: string | null;
  /** Seconds left, computed by the server at serverTime (negative when over time). */
  remainingSeconds: number | null;
}

export interface WorkshopState {
  rev: number;
  serverTime: string;
  workshop: WorkshopSummary;
  round: WorkshopRound;
  message: { text: string; at: string } | null;
  tables: WorkshopTableInfo[];
  participants: WorkshopParticipantInfo[];
  /** The rotation plan: one map per round, participant id → table id (hosts not listed). */
  plan: Array<Record<string, string>> | null;
  /** Locked rounds per table: `{ [tableId]: [1, 2] }`. */
  locks: Record<string, number[]>;
}

export interface WorkshopCapabilities {
  /** Prepare and run the workshop (start, next round, pause, extend, message). */
  facilitate: boolean;
  /** Write on the tablecloths. */
  edit: boolean;
  /** The asker's participant id in this workshop, if they take part. */
  participantId: string | null;
}

export type WorkshopControl =
  | { action: 'start' }
  | { action: 'next' }
  | { action: 'pause' }
  | { action: 'resume' }
  | { action: 'extend'; minutes: number }
  | { action: 'message'; text: string }
  | { action: 'close' };

/** Which table a participant is at in a round (1-based); hosts stay at their own table. */
export function tableFor(state: Pick<WorkshopState, 'tables' | 'plan'>, participantId: string | null, round: number): WorkshopTableInfo | null {
  if (!participantId) return null;
  const hosted = state.tables.find((t) => t.hostParticipantId === participantId);
  if (hosted) return hosted;
  const tableId = state.plan?.[round - 1]?.[participantId];
  return state.tables.find((t) => t.id === tableId) ?? null;
}

/** Seconds left at `now` (ms since epoch, server-corrected): frozen while paused. */
export function remainingAt(round: WorkshopRound, now: number): number | null {
  if (!round.endsAt) return null;
  const end = Date.parse(round.endsAt);
  const ref = round.pausedAt ? Date.parse(round.pausedAt) : now;
  return Math.round((end - ref) / 1000);
}
