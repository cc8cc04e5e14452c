import { z } from 'zod';
import { blankable, fields, msg, text } from '../shared/validate.ts';

const optionalEmail = blankable(fields.email()).optional();
const phone = blankable(
  z
    .string()
    .trim()
    .regex(/^\+?[0-9 .()-]{6,25}$/, msg('Numéro de téléphone invalide (exemple : 06 12 34 56 78).', 'Invalid phone number (example: +33 6 12 34 56 78).'))
).optional();
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

const isoDate = blankable(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, msg('Date attendue au format AAAA-MM-JJ.', 'Date expected as YYYY-MM-DD.'))).optional();

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
  affiliationName: blankable(z.string().trim().max(120, msg('Au plus 120 caractères.', 'At most 120 characters.'))).optional(),
  votingRight: checkbox.default(false),
  mandateStart: isoDate,
  mandateEnd: isoDate
};

const mandateOrder = (d: { mandateStart?: string | null; mandateEnd?: string | null }) =>
  !d.mandateStart || !d.mandateEnd || d.mandateEnd >= d.mandateStart;
const mandateMsg = { error: text('La fin du mandat précède son début.', 'The mandate ends before it starts.'), path: ['mandateEnd'] };
// Domain brief: observers, guests and experts see but do not vote.
const observerNoVote = (d: { role?: string; votingRight?: boolean }) => !(d.role === 'observer' && d.votingRight);
// Domain brief: non-affiliated associations take part too; they are named.
const namedAssociation = (d: { affiliation?: string; affiliationName?: string | null }) =>
  d.affiliation !== 'other_association' || !!d.affiliationName?.trim();
const associationMsg = { error: text("Indiquez le nom de l'association.", 'Give the name of the association.'), path: ['affiliationName'] };
const observerMsg = { error: text("Un observateur n'a pas le droit de vote.", 'An observer has no voting right.'), path: ['votingRight'] };

export const addMembershipSchema = z
  .object({ personId: fields.uuid(), ...membershipFields })
  .refine(mandateOrder, mandateMsg)
  .refine(observerNoVote, observerMsg)
  .refine(namedAssociation, associationMsg);

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
  .refine(observerNoVote, observerMsg)
  .refine(namedAssociation, associationMsg);
