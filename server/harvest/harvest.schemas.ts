import { z } from 'zod';
import { blankable, fields, msg, text } from '../shared/validate.ts';
import { HARVEST_PHASES, RESULTS_MODES } from './dot-votes.ts';

const checkbox = z.preprocess((v) => (v === 'on' || v === 'true' ? true : v === 'false' || v === '' ? false : v), z.boolean(msg('Oui ou non attendu.', 'Yes or no expected.')));

export const settingsSchema = z.strictObject({
  dotsPerPerson: z.coerce
    .number(msg('Nombre de gommettes requis.', 'Number of dots required.'))
    .int(msg('Un nombre entier de gommettes.', 'A whole number of dots.'))
    .min(1, msg('Au moins 1 gommette.', 'At least 1 dot.'))
    .max(20, msg('Au plus 20 gommettes.', 'At most 20 dots.'))
    .optional(),
  allowStacking: checkbox.optional(),
  resultsMode: z
    .enum(RESULTS_MODES, { error: text('Affichage inconnu (en direct ou caché jusqu’à la fin du vote).', 'Unknown display (live, or hidden until the vote ends).') })
    .optional()
});

export const phaseSchema = z.strictObject({
  phase: z.enum(HARVEST_PHASES, { error: text('Étape inconnue (regroupement, vote, clos).', 'Unknown stage (grouping, voting, closed).') })
});

export const themeNameSchema = z.strictObject({ name: fields.name(1, 120) });

export const moveSchema = z.strictObject({
  themeId: blankable(fields.uuid()),
  /** Position in the target group (0 = first); absent: at the end. */
  index: blankable(z.coerce.number(msg('Position attendue.', 'Position expected.')).int(msg('Position attendue.', 'Position expected.')).min(0, msg('Position attendue.', 'Position expected.'))).optional()
});
