import { error, fail, redirect, type ActionFailure } from '@sveltejs/kit';
import type { FormFailure } from '$lib/server/forms';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { AppError } from '../../../../server/shared/app-error.ts';
import { policy, type OrgAccess } from '../../../../server/auth/policy.ts';
import type { AuthUser } from '../../../../server/auth/sessions.ts';
import type { Organisation } from '../../../../server/organisations/organisations.service.ts';

/** What every page under /o/[slug] needs: who asks, the organisation, and what they are in it. */
export interface OrgContext {
  user: AuthUser;
  org: Organisation;
  access: OrgAccess;
}

interface EventLike {
  locals: App.Locals;
  url: URL;
  params: { slug?: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids come from the URL; a malformed one is simply a page that does not exist. */
export const isUuid = (s: string | undefined): s is string => !!s && UUID.test(s);

/** Sends an anonymous visitor to the login page, coming back here afterwards. */
export function toLogin(url: URL): never {
  redirect(303, `${localizeHref('/login')}?next=${encodeURIComponent(url.pathname + url.search)}`);
}

/**
 * Turns a service's expected failure into the page's answer: login for the anonymous, 404 for
 * what does not exist or may not be seen, 403 for what may be seen but not done.
 */
export function pageFailure(thrown: unknown, url: URL): never {
  const err = thrown;
  if (err instanceof AppError) {
    if (err.status === 401) toLogin(url);
    if (err.status === 404) error(404, m.org_not_found());
    if (err.status === 403) error(403, m.org_forbidden());
  }
  throw err;
}

export async function orgContext({ locals, url, params }: EventLike): Promise<OrgContext> {
  const user = locals.user;
  if (!user) toLogin(url);
  try {
    const org = await locals.services.organisations.getBySlug(user, params.slug ?? '');
    const access = await locals.services.access.forOrganisation(user, org.id);
    if (!access) error(404, m.org_not_found());
    return { user, org, access };
  } catch (err) {
    return pageFailure(err, url);
  }
}

/** The flags the pages use to hide what the person cannot do (the services check again). */
export function orgFlags(access: OrgAccess) {
  return {
    manageOrganisation: policy.manageOrganisation(access),
    createBody: policy.createBody(access),
    managePeople: policy.managePeople(access)
  };
}

/** A page-level check failed (e.g. an unticked confirmation): same shape as `formFailure`. */
export function fieldFailure(values: Record<string, string>, fields: Record<string, string>): ActionFailure<FormFailure> {
  return fail(400, { message: m.org_form_check_fields(), fields, values });
}
