import { z } from 'zod';
import { blankable, fields, msg, text } from '../shared/validate.ts';
import { parseDateTime } from '../shared/time.ts';

const dateTime = z
  .string(msg('Date et heure requises.', 'Date and time required.'))
  .refine((s) => !Number.isNaN(parseDateTime(s).getTime()), msg('Date et heure invalides (exemple : 2026-06-06T14:00).', 'Invalid date and time (example: 2026-06-06T14:00).'));
const optionalUrl = z
  .union([
    z
      .string()
      .trim()
      .url(msg('Lien invalide (il commence par https://).', 'Invalid link (it starts with https://).'))
      .refine((s) => /^https?:\/\//.test(s), msg('Lien invalide (il commence par https://).', 'Invalid link (it starts with https://).')),
    z.literal('').transform(() => null),
    z.null()
  ])
  .optional();

export const createMeetingSchema = z.object({
  title: fields.name(2, 200),
  startsAt: dateTime,
  place: z.string().trim().max(300, msg('Au plus 300 caractères.', 'At most 300 characters.')).default(''),
  videoUrl: optionalUrl
});

export const updateMeetingSchema = z
  .object({
    title: fields.name(2, 200).optional(),
    startsAt: dateTime.optional(),
    place: z.string().trim().max(300, msg('Au plus 300 caractères.', 'At most 300 characters.')).optional(),
    videoUrl: optionalUrl
  })
  .strict();

export const MEETING_STATUSES = ['draft', 'convened', 'live', 'closed'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
export const transitionSchema = z.object({
  to: z.enum(MEETING_STATUSES, { error: text('État inconnu (brouillon, convoquée, en cours, close).', 'Unknown status (draft, convened, live, closed).') })
});

export const ITEM_KINDS = ['information', 'consultation', 'decision'] as const;
const kind = z.enum(ITEM_KINDS, { error: text('Nature inconnue (information, consultation pour avis, décision).', 'Unknown kind (information, consultation, decision).') });
const minutes = z.coerce
  .number(msg('Durée en minutes attendue.', 'Duration in minutes expected.'))
  .int(msg('Nombre entier de minutes.', 'Whole number of minutes.'))
  .min(0, msg('Au moins 0 minute.', 'At least 0 minutes.'))
  .max(600, msg('Au plus 600 minutes.', 'At most 600 minutes.'));
const longText = (max: number) => z.string().max(max, msg(`Au plus ${max} caractères.`, `At most ${max} characters.`));

export const addItemSchema = z.object({
  title: fields.name(1, 300),
  kind: kind.default('information'),
  presenter: longText(200).default(''),
  plannedMinutes: minutes.default(10),
  description: longText(10_000).default(''),
  parentId: blankable(fields.uuid()).optional(),
  /** Insert after this item (same level); absent: at the end. */
  afterId: blankable(fields.uuid()).optional()
});

export const updateItemSchema = z
  .object({
    title: fields.name(1, 300).optional(),
    kind: kind.optional(),
    presenter: longText(200).optional(),
    plannedMinutes: minutes.optional(),
    description: longText(10_000).optional(),
    notes: longText(20_000).optional(),
    /** The version the editor started from; a field changed by someone else since is refused, not overwritten. */
    baseVersion: z.coerce.number().int().positive().optional()
  })
  .strict();

export const moveItemSchema = z.object({
  afterId: fields.uuid().nullable(),
  parentId: fields.uuid().nullable().optional()
});

export const decideProposalSchema = z.object({
  accept: z.boolean(msg('Accepter ou refuser ?', 'Accept or decline?')),
  reason: longText(1000).default('')
});

export const ATTENDANCE_STATUSES = ['present_room', 'present_remote', 'excused', 'absent', 'represented'] as const;
export const attendanceSchema = z.object({
  personId: fields.uuid(),
  status: z.enum(ATTENDANCE_STATUSES, {
    error: text('Présence inconnue (présent en salle, à distance, excusé, absent, représenté).', 'Unknown attendance (in the room, remote, excused, absent, represented).')
  }),
  proxyHolderId: fields.uuid().nullable().optional(),
  /** Room check-in by QR code: the code shown in the room. */
  checkinCode: z.string().max(64).optional()
});

export const departSchema = z.object({ personId: fields.uuid() });

export const currentItemSchema = z.object({ itemId: fields.uuid().nullable() });

export const requestFloorSchema = z.object({
  /** Absent: the asker themselves (remote). A secretary records a raised hand in the room for someone. */
  personId: fields.uuid().optional(),
  source: z.enum(['room', 'remote'], { error: text('Origine inconnue (salle ou distance).', 'Unknown source (room or remote).') }).default('remote')
});

export const requestIdSchema = z.object({ requestId: fields.uuid() });
export const queueOpenSchema = z.object({ open: z.boolean(msg('Ouvrir ou fermer ?', 'Open or close?')) });
