import { z } from 'zod';
import { blankable, fields, msg, text } from '../shared/validate.ts';

const label = (max: number) =>
  z
    .string(msg('Ce champ est requis.', 'This field is required.'))
    .trim()
    .min(1, msg('Ce champ est requis.', 'This field is required.'))
    .max(max, msg(`Au plus ${max} caractères.`, `At most ${max} characters.`));

/** A criteria grid: rows × columns of short labels (seed 002: criterion × funding route). */
export const gridSchema = z
  .object({
    rows: z.array(label(80), msg('Lignes requises.', 'Rows required.')).min(1, msg('Au moins une ligne.', 'At least one row.')).max(12, msg('Au plus 12 lignes.', 'At most 12 rows.')),
    columns: z.array(label(80), msg('Colonnes requises.', 'Columns required.')).min(1, msg('Au moins une colonne.', 'At least one column.')).max(6, msg('Au plus 6 colonnes.', 'At most 6 columns.'))
  })
  .refine((g) => new Set(g.rows).size === g.rows.length && new Set(g.columns).size === g.columns.length, {
    error: text('Chaque ligne et chaque colonne doit avoir un nom différent.', 'Each row and each column needs a different name.')
  })
  .refine((g) => [...g.rows, ...g.columns].every((s) => !s.includes('|')), {
    error: text('Le caractère « | » n’est pas permis dans la grille.', 'The character "|" is not allowed in the grid.')
  });

/** "Ligne A; Ligne B" typed in a form, or an array. */
const listOrText = z.preprocess((v) => (typeof v === 'string' ? v.split(/[;\n]/).map((s) => s.trim()).filter(Boolean) : v), z.unknown());

export const gridInputSchema = z.preprocess((v) => {
  if (v === '' || v === null || v === undefined) return null;
  if (typeof v === 'object' && v && 'rows' in v) {
    const g = v as { rows: unknown; columns: unknown };
    const rows = listOrText.parse(g.rows);
    const columns = listOrText.parse(g.columns);
    if (Array.isArray(rows) && Array.isArray(columns) && rows.length === 0 && columns.length === 0) return null;
    return { rows, columns };
  }
  return v;
}, gridSchema.nullable());

export const tableSchema = z.object({
  name: fields.name(1, 120),
  question: z.string().trim().max(1000, msg('Au plus 1000 caractères.', 'At most 1000 characters.')).default(''),
  hostParticipantId: blankable(fields.uuid()).optional(),
  grid: gridInputSchema.optional()
});

const minutes = z.coerce
  .number(msg('Nombre de minutes requis.', 'Number of minutes required.'))
  .int(msg('Un nombre entier de minutes.', 'A whole number of minutes.'))
  .min(1, msg('Au moins 1 minute.', 'At least 1 minute.'))
  .max(180, msg('Au plus 180 minutes.', 'At most 180 minutes.'));
const roundCount = z.coerce
  .number(msg('Nombre de tours requis.', 'Number of rounds required.'))
  .int(msg('Un nombre entier de tours.', 'A whole number of rounds.'))
  .min(1, msg('Au moins 1 tour.', 'At least 1 round.'))
  .max(8, msg('Au plus 8 tours.', 'At most 8 rounds.'));
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());

export const createWorkshopSchema = z.object({
  title: fields.name(2, 200),
  purpose: z.string().trim().max(4000, msg('Au plus 4000 caractères.', 'At most 4000 characters.')).default(''),
  roundCount: roundCount.default(3),
  roundMinutes: minutes.default(20),
  anonymousNotes: checkbox.default(false),
  tables: z.array(tableSchema).max(12, msg('Au plus 12 tables.', 'At most 12 tables.')).default([])
});

export const updateWorkshopSchema = z
  .object({
    title: fields.name(2, 200),
    purpose: z.string().trim().max(4000, msg('Au plus 4000 caractères.', 'At most 4000 characters.')),
    roundCount,
    roundMinutes: minutes,
    anonymousNotes: checkbox
  })
  .partial();

export const updateTableSchema = tableSchema.partial();

export const addParticipantSchema = z.object({
  personId: fields.uuid(),
  college: z.enum(['landlord', 'tenant', 'other'], { error: text('Collège inconnu.', 'Unknown college.') }).optional()
});

export const updateParticipantSchema = z
  .object({
    college: z.enum(['landlord', 'tenant', 'other'], { error: text('Collège inconnu.', 'Unknown college.') }),
    present: checkbox
  })
  .partial();

export const planSchema = z.object({
  rounds: z.array(z.record(z.string(), z.string()), msg('Plan requis.', 'Plan required.'))
});

export const generatePlanSchema = z.object({
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).optional()
});

export const controlSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('start') }),
    z.object({ action: z.literal('next') }),
    z.object({ action: z.literal('pause') }),
    z.object({ action: z.literal('resume') }),
    z.object({
      action: z.literal('extend'),
      minutes: z.coerce
        .number(msg('Nombre de minutes requis.', 'Number of minutes required.'))
        .int(msg('Un nombre entier de minutes.', 'A whole number of minutes.'))
        .min(1, msg('Au moins 1 minute.', 'At least 1 minute.'))
        .max(60, msg('Au plus 60 minutes.', 'At most 60 minutes.'))
    }),
    z.object({
      action: z.literal('message'),
      text: z.string(msg('Message requis.', 'Message required.')).trim().max(300, msg('Au plus 300 caractères.', 'At most 300 characters.'))
    }),
    z.object({ action: z.literal('close') })
  ],
  { error: text('Action inconnue.', 'Unknown action.') }
);

export const lockSchema = z.object({
  tableId: fields.uuid(),
  round: z.coerce.number(msg('Tour requis.', 'Round required.')).int().min(1, msg('Tour invalide.', 'Invalid round.')).max(8, msg('Tour invalide.', 'Invalid round.'))
});
