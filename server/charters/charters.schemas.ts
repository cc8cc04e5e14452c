import { z } from 'zod';
import { fields, msg, text } from '../shared/validate.ts';

export const CHARTER_KINDS = ['charter', 'pcl', 'notes', 'other'] as const;
export type CharterKind = (typeof CHARTER_KINDS)[number];
export const CHARTER_STATUSES = ['draft', 'in_review', 'adopted', 'signed', 'published'] as const;
export type CharterStatus = (typeof CHARTER_STATUSES)[number];

export const createCharterSchema = z.strictObject({
  title: fields.name(2, 200),
  kind: z
    .enum(CHARTER_KINDS, { error: text('Type de texte inconnu (charte, PCL, notes, autre).', 'Unknown kind of text (charter, PCL, notes, other).') })
    .default('charter')
});

export const saveVersionSchema = z.strictObject({
  name: fields.name(2, 200)
});

/** Status changes a person may ask for; `adopted` comes only from an adoption vote. */
export const transitionSchema = z.strictObject({
  to: z.enum(['draft', 'in_review', 'signed', 'published'], {
    error: text('Statut inconnu (brouillon, en relecture, signé, publié).', 'Unknown status (draft, in review, signed, published).')
  })
});

export const linkVoteSchema = z.strictObject({
  versionId: fields.uuid(),
  voteId: fields.uuid()
});

export const signSchema = z.strictObject({
  name: fields.name(2, 200),
  role: fields.name(2, 200),
  organisation: fields.name(2, 200)
});

export const compareSchema = z.strictObject({
  from: z.string(msg('Choisissez une version.', 'Choose a version.')).uuid(msg('Choisissez une version.', 'Choose a version.')),
  to: z.string(msg('Choisissez une version.', 'Choose a version.')).uuid(msg('Choisissez une version.', 'Choose a version.'))
});

export const EXPORT_FORMATS = ['pdf', 'docx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
