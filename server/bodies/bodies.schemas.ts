import { z } from 'zod';
import { blankable, fields, msg, text } from '../shared/validate.ts';

export const BODY_KINDS = ['ccl', 'ccl_local', 'working_group', 'board', 'workshop_group', 'other'] as const;
export type BodyKind = (typeof BODY_KINDS)[number];

const kind = z.enum(BODY_KINDS, { error: text(
    'Type d’instance inconnu (CCL, CCL local, groupe de travail, conseil d’administration, groupe d’ateliers, autre).',
    'Unknown body type (CCL, local CCL, working group, board, workshop group, other).'
  )
});
const parentId = blankable(fields.uuid()).optional();

export const createBodySchema = z.object({
  name: fields.name(2, 200),
  kind,
  parentId,
  description: z.string().max(2000, msg('Description trop longue (2000 caractères au plus).', 'Description too long (2000 characters at most).')).optional()
});

export const updateBodySchema = z
  .object({
    name: fields.name(2, 200).optional(),
    kind: kind.optional(),
    parentId,
    description: z.string().max(2000, msg('Description trop longue (2000 caractères au plus).', 'Description too long (2000 characters at most).')).optional()
  })
  .strict();
