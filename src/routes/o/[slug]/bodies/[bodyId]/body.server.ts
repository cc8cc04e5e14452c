import { error } from '@sveltejs/kit';
import type { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { AppError, toApiError } from '../../../../../../server/shared/app-error.ts';
import { validate } from '../../../../../../server/shared/validate.ts';
import type { Body } from '../../../../../../server/bodies/bodies.service.ts';
import { fieldFailure, isUuid, orgContext, pageFailure, type OrgContext } from '../../context.server';

interface EventLike {
  locals: App.Locals;
  url: URL;
  params: { slug?: string; bodyId?: string };
}

/** The organisation context plus the body named in the URL, which must belong to that organisation. */
export async function bodyContext(event: EventLike): Promise<OrgContext & { body: Body }> {
  const ctx = await orgContext(event);
  if (!isUuid(event.params.bodyId)) error(404, m.org_not_found());
  let body: Body;
  try {
    body = await event.locals.services.bodies.get(ctx.user, event.params.bodyId);
  } catch (err) {
    return pageFailure(err, event.url);
  }
  if (body.organisationId !== ctx.org.id) error(404, m.org_not_found());
  return { ...ctx, body };
}

/** Form values of a membership, as the people service expects them. */
export function membershipInput(values: Record<string, string>) {
  const affiliation = values.affiliation || 'none';
  return {
    role: values.role ?? '',
    college: values.college ?? '',
    affiliation,
    // A name only means something for "other association"; otherwise an old one is cleared.
    affiliationName: affiliation === 'other_association' ? (values.affiliationName ?? '').trim() : null,
    // An unticked checkbox sends nothing: that is "no", not "unchanged".
    votingRight: values.votingRight === 'on' ? 'true' : 'false',
    mandateStart: values.mandateStart ?? '',
    mandateEnd: values.mandateEnd ?? ''
  };
}

/**
 * "Other association" needs the association's name (the service accepts it empty). Checked here,
 * together with the service's own rules so every faulty field is named at once.
 */
export function associationNameFailure(values: Record<string, string>, schema: z.ZodType, input: unknown, locale: 'fr' | 'en') {
  if (values.affiliation !== 'other_association' || (values.affiliationName ?? '').trim()) return null;
  let fields: Record<string, string> = {};
  try {
    validate(schema, input);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    fields = toApiError(err, locale).fields ?? {};
  }
  return fieldFailure(values, { ...fields, affiliationName: m.org_member_affiliation_name_required() });
}
