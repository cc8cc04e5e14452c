import { z } from 'zod';
import { fields, msg } from '../shared/validate.ts';

export const setupSchema = z.object({
  organisationName: fields.name(2, 200),
  adminName: fields.name(2, 120),
  email: fields.email(),
  password: fields.password()
});
export type SetupInput = z.output<typeof setupSchema>;

export const slugSchema = z
  .string(msg('Identifiant court requis.', 'Short name required.'))
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, msg('Minuscules, chiffres et tirets seulement (2 à 63).', 'Lowercase letters, digits and hyphens only (2 to 63).'));

export const createOrganisationSchema = z.object({
  name: fields.name(2, 200),
  slug: slugSchema.optional()
});

export const updateOrganisationSchema = z.object({ name: fields.name(2, 200) });
