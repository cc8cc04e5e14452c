import { z } from 'zod';
import { fields, msg, text } from '../shared/validate.ts';

const optionalEmail = z.union([fields.email(), z.literal('').transform(() => null), z.null()]).optional();
const phone = z
  .union([
    z
      .string()
      .trim()
      .regex(/^\+?[0-9 .()-]{6,25}$/, msg('Numéro de téléphone invalide (exemple : 06 12 34 56 78).', 'Invalid phone number (example: +33 6 12 34 56 78).')),
    z.literal('').transform(() => null),
    z.null()
  ])
  .optional();
const orgRole = z.enum(['admin', 'member'], { error: text('Rôle inconnu (admin ou membre).', 'Unknown role (admin or member).') });

export const createPersonSchema = z.object({
  fullName: fields.name(1, 200),
  email: optionalEmail,
  phone,
  orgRole: orgRole.default('member')
});

export const updatePersonSchema = z
  .object({ fullName: fields.name(1, 200).optional(), email: optionalEmail, phone, orgRole: orgRole.optional() })
  .strict();

export const ROLES = ['admin', 'secretary', 'chair', 'member', 'observer'] as const;
export const COLLEGES = ['landlord', 'tenant', 'other'] as const;
export const AFFILIATIONS = ['afoc', 'cgl', 'clcv', 'cnl', 'csf', 'other_association', 'none'] as const;

const isoDate = z
  .union([
    z.string().regex(/^\d{4}-\d{2}-\d{2}$/, msg('Date attendue au format AAAA-MM-JJ.', 'Date expected as YYYY-MM-DD.')),
    z.literal('').transform(() => null),
    z.null()
  ])
  .optional();

const role = z.enum(ROLES, { error: text('Rôle inconnu (admin, secrétaire, président, membre, observateur).', 'Unknown role (admin, secretary, chair, member, observer).')
});
const college = z.enum(COLLEGES, { error: text('Collège inconnu (bailleur, locataires, autre).', 'Unknown college (landlord, tenants, other).')
});
const affiliation = z.enum(AFFILIATIONS, { error: text('Affiliation inconnue (AFOC, CGL, CLCV, CNL, CSF, autre association, aucune).', 'Unknown affiliation (AFOC, CGL, CLCV, CNL, CSF, other association, none).')
});
const checkbox = z.union([z.boolean(), z.enum(['on', 'true', 'false', '1', '0']).transform((v) => v === 'on' || v === 'true' || v === '1')]);

const membershipFields = {
  role,
  college,
  affiliation: affiliation.default('none'),
  affiliationName: z.union([z.string().trim().max(120, msg('Au plus 120 caractères.', 'At most 120 characters.')), z.null()]).optional(),
  votingRight: checkbox.default(false),
  mandateStart: isoDate,
  mandateEnd: isoDate
};

const mandateOrder = (d: { mandateStart?: string | null; mandateEnd?: string | null }) =>
  !d.mandateStart || !d.mandateEnd || d.mandateEnd >= d.mandateStart;
const mandateMsg = { error: text('La fin du mandat précède son début.', 'The mandate ends before it starts.'), path: ['mandateEnd'] };
// Domain brief: observers, guests and experts see but do not vote.
const observerNoVote = (d: { role?: string; votingRight?: boolean }) => !(d.role === 'observer' && d.votingRight);
const observerMsg = { error: text("Un observateur n'a pas le droit de vote.", 'An observer has no voting right.'), path: ['votingRight'] };

export const addMembershipSchema = z
  .object({ personId: fields.uuid(), ...membershipFields })
  .refine(mandateOrder, mandateMsg)
  .refine(observerNoVote, observerMsg);

export const updateMembershipSchema = z
  .object({
    role: role.optional(),
    college: college.optional(),
    affiliation: affiliation.optional(),
    affiliationName: membershipFields.affiliationName,
    votingRight: checkbox.optional(),
    mandateStart: isoDate,
    mandateEnd: isoDate
  })
  .strict()
  .refine(mandateOrder, mandateMsg)
  .refine(observerNoVote, observerMsg);
