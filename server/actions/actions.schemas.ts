import { z } from 'zod';
import { blankable, fields, msg, text } from '../shared/validate.ts';

/** Statuses of an action (seed 002: actions *validées*, *en cours*, *à étudier*). */
export const ACTION_STATUSES = ['validee', 'en_cours', 'a_etudier'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const ACTION_STATUS_LABELS: Record<ActionStatus, { fr: string; en: string }> = {
  validee: { fr: 'Validée', en: 'Approved' },
  en_cours: { fr: 'En cours', en: 'In progress' },
  a_etudier: { fr: 'À étudier', en: 'To be studied' }
};

const status = z.enum(ACTION_STATUSES, {
  error: text('Statut inconnu (validée, en cours, à étudier).', 'Unknown status (approved, in progress, to be studied).')
});
const horizon = z.coerce
  .number(msg('Année attendue (exemple : 2025).', 'Year expected (example: 2025).'))
  .int(msg('Année attendue (exemple : 2025).', 'Year expected (example: 2025).'))
  .min(2000, msg('Année entre 2000 et 2100.', 'Year between 2000 and 2100.'))
  .max(2100, msg('Année entre 2000 et 2100.', 'Year between 2000 and 2100.'));
const description = z.string().trim().max(4000, msg('Au plus 4000 caractères.', 'At most 4000 characters.'));
const ownerText = z.string().trim().min(1).max(200, msg('Au plus 200 caractères.', 'At most 200 characters.'));

export const createActionSchema = z.strictObject({
  title: fields.name(2, 200),
  description: description.default(''),
  ownerPersonId: blankable(fields.uuid()).optional(),
  ownerText: blankable(ownerText).optional(),
  horizon: blankable(horizon).optional(),
  status: status.default('a_etudier'),
  sourceMeetingId: blankable(fields.uuid()).optional()
});

export const updateActionSchema = z.strictObject({
  title: fields.name(2, 200).optional(),
  description: description.optional(),
  ownerPersonId: blankable(fields.uuid()).optional(),
  ownerText: blankable(ownerText).optional(),
  horizon: blankable(horizon).optional(),
  status: status.optional()
});

export const actionFilterSchema = z.object({
  status: blankable(status).optional(),
  horizon: blankable(horizon).optional()
});

/** An idea of a harvest made an action: what the facilitator may set in the same click. */
export const actionFromIdeaSchema = z.strictObject({
  title: fields.name(2, 200).optional(),
  horizon: blankable(horizon).optional(),
  status: status.optional(),
  ownerText: blankable(ownerText).optional()
});

/** Which meeting of the body gets the "follow-up of the action plan" item. */
export const reviewItemSchema = z.strictObject({ meetingId: fields.uuid() });
