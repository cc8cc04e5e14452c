import { z } from 'zod';
import { fields, msg, text } from '../shared/validate.ts';

export const VOTE_MODES = ['device', 'hybrid', 'hands'] as const;
export const VOTE_RULES = ['simple_majority', 'absolute_majority_members', 'two_thirds', 'majority_each_college', 'consensus', 'advisory'] as const;
export const CHOICES = ['pour', 'contre', 'abstention'] as const;
export type Choice = (typeof CHOICES)[number];
export type VoteMode = (typeof VOTE_MODES)[number];

const count = () =>
  z
    .number(msg('Nombre requis.', 'Number required.'))
    .int(msg('Nombre entier attendu.', 'A whole number is expected.'))
    .min(0, msg('Le nombre ne peut pas être négatif.', 'The number cannot be negative.'))
    .max(10_000, msg('Nombre trop grand.', 'Number too large.'));

export const openVoteSchema = z.strictObject({
  itemId: fields.uuid(),
  question: fields.name(2, 1000),
  mode: z.enum(VOTE_MODES, { error: text('Mode de vote inconnu (boîtiers, hybride, main levée).', 'Unknown voting mode (device, hybrid, hands).') }),
  secret: z.boolean(msg('Indiquez si le vote est secret.', 'Say whether the vote is secret.')).default(false),
  rule: z.enum(VOTE_RULES, { error: text('Règle de vote inconnue.', 'Unknown voting rule.') }).optional(),
  showTally: z.boolean(msg('Oui ou non attendu.', 'Yes or no expected.')).default(true),
  quorumOverrideReason: z
    .string(msg('Texte attendu.', 'Text expected.'))
    .trim()
    .max(1000, msg('Au plus 1000 caractères.', 'At most 1000 characters.'))
    .nullable()
    .optional()
});

export const castSchema = z.strictObject({
  choice: z.enum(CHOICES, { error: text('Choix inconnu (pour, contre, abstention).', 'Unknown choice (for, against, abstention).') }),
  forPersonId: fields.uuid().nullable().optional()
});

export const roomCountsSchema = z.strictObject({
  college: z.enum(['landlord', 'tenant', 'other'], { error: text('Collège inconnu.', 'Unknown college.') }).nullable().optional(),
  pour: count(),
  contre: count(),
  abstention: count()
});
