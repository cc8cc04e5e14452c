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

const optionLabel = () =>
  z
    .string(msg('Libellé d’option requis.', 'Option label required.'))
    .trim()
    .min(1, msg('Libellé d’option requis.', 'Option label required.'))
    .max(300, msg('Au plus 300 caractères par option.', 'At most 300 characters per option.'));

export const openVoteSchema = z.strictObject({
  itemId: fields.uuid(),
  question: fields.name(2, 1000),
  kind: z.enum(['motion', 'choice'], { error: text('Type de vote inconnu (motion ou choix entre options).', 'Unknown kind of vote (motion or choice among options).') }).default('motion'),
  /** Choice votes: the options, as labels (ids are given by the server) or {id?, label}. */
  options: z
    .array(z.union([optionLabel(), z.strictObject({ id: z.string().trim().regex(/^[A-Za-z0-9_-]{1,40}$/, msg('Identifiant d’option invalide.', 'Invalid option id.')).optional(), label: optionLabel() })]), msg('Liste d’options attendue.', 'A list of options is expected.'))
    .min(2, msg('Au moins deux options.', 'At least two options.'))
    .max(50, msg('Au plus 50 options.', 'At most 50 options.'))
    .optional(),
  /** Choice votes: how many options a voter may choose (1 = single choice). */
  maxChoices: z
    .number(msg('Nombre requis.', 'Number required.'))
    .int(msg('Nombre entier attendu.', 'A whole number is expected.'))
    .min(1, msg('Au moins 1.', 'At least 1.'))
    .max(50, msg('Au plus 50.', 'At most 50.'))
    .optional(),
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

/**
 * A ballot: `choice` for a motion; for a choice vote `optionIds` (empty = blank ballot), or a
 * single option id in `choice`. `receipt`: to change a secret ballot, the receipt its first cast
 * returned. Which fields a vote needs is checked against the vote by the service.
 */
export const castSchema = z.strictObject({
  choice: z.string(msg('Choix attendu.', 'A choice is expected.')).max(40, msg('Choix inconnu.', 'Unknown choice.')).optional(),
  optionIds: z
    .array(z.string(msg('Option attendue.', 'An option is expected.')).max(40, msg('Option inconnue.', 'Unknown option.')), msg('Liste d’options attendue.', 'A list of options is expected.'))
    .max(50, msg('Trop d’options.', 'Too many options.'))
    .optional(),
  forPersonId: fields.uuid().nullable().optional(),
  receipt: z.string(msg('Reçu attendu.', 'Receipt expected.')).max(100, msg('Reçu invalide.', 'Invalid receipt.')).nullable().optional()
});

export const motionChoiceSchema = z.enum(CHOICES, { error: text('Choix inconnu (pour, contre, abstention).', 'Unknown choice (for, against, abstention).') });
/** A motion's ballot, once the cast is read: built once (zod compiles a schema on its first use). */
export const motionBallotSchema = z.object({ choice: motionChoiceSchema });

export const closeVoteSchema = z.strictObject({
  /** The chair's casting vote on a tie, when the body gives one: 'pour' / 'contre', or an option id. */
  castingVote: z.string(msg('Choix attendu.', 'A choice is expected.')).max(40, msg('Choix inconnu.', 'Unknown choice.')).nullable().optional()
});

export const choiceRoomCountsSchema = z.strictObject({
  college: z.null(msg('Un vote de choix ne se décompte pas par collège.', 'A choice vote is not counted by college.')).optional(),
  options: z.record(z.string(), count(), msg('Nombre de voix par option attendu.', 'Votes per option expected.')),
  abstention: count().default(0)
});

export const bodyVoteSettingsSchema = z.strictObject({
  defaultRule: z.enum(VOTE_RULES, { error: text('Règle de vote inconnue.', 'Unknown voting rule.') }),
  chairCastingVote: z.boolean(msg('Oui ou non attendu.', 'Yes or no expected.')),
  ballotsChangeable: z.boolean(msg('Oui ou non attendu.', 'Yes or no expected.'))
});

const yearOf = z.coerce
  .number(msg('Année attendue.', 'A year is expected.'))
  .int(msg('Année attendue.', 'A year is expected.'))
  .min(2000, msg('Année entre 2000 et 2100.', 'Year between 2000 and 2100.'))
  .max(2100, msg('Année entre 2000 et 2100.', 'Year between 2000 and 2100.'));

export const DECISION_KINDS = ['decision', 'opinion', 'choice'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export const decisionFilterSchema = z.strictObject({
  year: z.preprocess((v) => (v === '' ? undefined : v), yearOf.optional()),
  kind: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(DECISION_KINDS, { error: text('Type inconnu (décision, avis, choix).', 'Unknown kind (decision, opinion, choice).') }).optional()
  )
});

export const roomCountsSchema = z.strictObject({
  college: z.enum(['landlord', 'tenant', 'other'], { error: text('Collège inconnu.', 'Unknown college.') }).nullable().optional(),
  pour: count(),
  contre: count(),
  abstention: count()
});
