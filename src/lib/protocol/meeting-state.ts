import type { AttendanceStatus, College, QuorumResult, QuorumRule } from '../../../server/meetings/quorum.ts';
import type { ProxyRule } from '../../../server/meetings/proxies.ts';
export type MeetingStatus = 'draft' | 'convened' | 'live' | 'closed';

export interface MeetingSummary {
  id: string;
  organisationId: string;
  bodyId: string;
  bodyName: string;
  title: string;
  startsAt: string;
  place: string;
  videoUrl: string | null;
  status: MeetingStatus;
}

export interface AttachmentInfo {
  id: string;
  filename: string;
  mimeType: string;
  sizeBytes: number;
}

export interface AgendaItem {
  id: string;
  parentId: string | null;
  position: string;
  title: string;
  kind: 'information' | 'consultation' | 'decision';
  presenter: string;
  plannedMinutes: number;
  description: string;
  notes: string;
  status: 'proposed' | 'accepted' | 'declined';
  proposedBy: { personId: string; name: string } | null;
  decisionReason: string | null;
  decidedAt: string | null;
  spentSeconds: number;
  version: number;
  attachments: AttachmentInfo[];
}

export interface AttendanceEntry {
  personId: string;
  name: string;
  role: 'admin' | 'secretary' | 'chair' | 'member' | 'observer';
  college: College;
  affiliation: string;
  votingRight: boolean;
  status: AttendanceStatus;
  proxyHolderId: string | null;
  arrivedAt: string | null;
  departedAt: string | null;
}

export interface QueueEntry {
  requestId: string;
  personId: string;
  name: string;
  source: 'room' | 'remote';
  requestedAt: string;
}

export interface MeetingState {
  /** Increases with every committed change; a client keeps the state with the highest rev. */
  rev: number;
  serverTime: string;
  meeting: MeetingSummary & {
    currentItemId: string | null;
    currentItemStartedAt: string | null;
    queueOpen: boolean;
    quorumRule: QuorumRule;
    proxyRule: ProxyRule;
  };
  agenda: AgendaItem[];
  attendance: AttendanceEntry[];
  quorum: QuorumResult;
  queue: {
    itemId: string | null;
    pending: QueueEntry[];
    speaking: (QueueEntry & { grantedAt: string }) | null;
    /** Seconds spoken on the current item, by person. */
    spoken: Record<string, number>;
  };
}

/** What the asker may do in this meeting; computed per viewer, never broadcast. */
export interface MeetingCapabilities {
  personId: string | null;
  canManage: boolean;
  canTakePart: boolean;
}
