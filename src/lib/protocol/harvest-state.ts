/**
 * The harvest board of a world-café workshop as the server sends it (issue 7): ideas gathered
 * from every table's tablecloth, the themes they are grouped into, and dot voting. Sent whole
 * on 'harvest:join' and after every change as 'harvest:state'; a client keeps the state with
 * the highest `rev`. Dots are server records, never Yjs entries.
 *
 * @example
 * socket.emit('harvest:join', { workshopId }, (res) => { if (res.ok) board = res.data.state; });
 * socket.on('harvest:state', (s) => { if (s.rev > board.rev) board = s; });
 */
export type HarvestPhase = 'grouping' | 'voting' | 'closed';
export type HarvestResultsMode = 'live' | 'hidden';

export interface HarvestSettings {
  /** Dots each participant may place (default 5). */
  dotsPerPerson: number;
  /** Several dots of one person on the same idea. */
  allowStacking: boolean;
  /** `hidden`: counts and ranking appear once everyone who joined has placed all their dots, or voting is closed. */
  resultsMode: HarvestResultsMode;
}

export interface HarvestTheme {
  id: string;
  name: string;
  position: number;
}

export interface HarvestIdea {
  id: string;
  tableId: string;
  tableName: string;
  round: number;
  text: string;
  authorName: string | null;
  colour: string;
  /** null: not yet in a theme. */
  themeId: string | null;
  position: number;
  /** Dots on the idea; null while results are hidden. */
  dots: number | null;
  /** The action it became in the body's action plan, if any. */
  actionId: string | null;
}

export interface HarvestRankedIdea {
  id: string;
  dots: number;
  /** Ideas with as many dots share a rank. */
  rank: number;
}

export interface HarvestState {
  workshopId: string;
  workshopTitle: string;
  bodyId: string;
  rev: number;
  phase: HarvestPhase;
  settings: HarvestSettings;
  gatheredAt: string | null;
  themes: HarvestTheme[];
  /** Themes in order, then unthemed ideas; within a group by position. */
  ideas: HarvestIdea[];
  resultsVisible: boolean;
  /** Most dots first; null while results are hidden. */
  ranking: HarvestRankedIdea[] | null;
  /** Participants who have placed all their dots, out of those who joined the vote. */
  progress: { voted: number; voters: number };
}

/** The asker's own dots (sent on join, in each dot's acknowledgement, and as 'harvest:mine' to their other devices). */
export interface HarvestMine {
  workshopId: string;
  /** Dots per idea id. */
  dots: Record<string, number>;
  used: number;
  allowed: number;
}

export interface HarvestCapabilities {
  /** Gather, settings, phases, make actions: the body's chair, secretary or admin, or the workshop's creator. */
  canManage: boolean;
  /** Create and rename themes, move ideas: members who are not observers, and the workshop's guests. */
  canGroup: boolean;
  /** Place dots. */
  canVote: boolean;
}

export interface HarvestJoined {
  state: HarvestState;
  mine: HarvestMine;
  capabilities: HarvestCapabilities;
}
