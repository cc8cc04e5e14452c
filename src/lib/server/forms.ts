import { fail, isRedirect, type ActionFailure } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { AppError, toApiError } from '../../../server/shared/app-error.ts';

export interface FormFailure {
  message: string;
  fields: Record<string, string>;
  values: Record<string, string>;
}

/** The form's fields as plain strings (checkboxes come as "on" when ticked; passwords are never echoed). */
export async function readForm(request: Request): Promise<Record<string, string>> {
  const data = await request.formData();
  const out: Record<string, string> = {};
  for (const [k, v] of data.entries()) if (typeof v === 'string') out[k] = v;
  return out;
}

const SECRET = /password/i;

/**
 * Turns an expected failure into `fail(status, { message, fields, values })` in the page's
 * language so the form shows each field's message and keeps what was typed; anything else is rethrown.
 */
export function formFailure(err: unknown, locale: 'fr' | 'en', values: Record<string, string>): ActionFailure<FormFailure> {
  if (isRedirect(err) || !(err instanceof AppError)) throw err;
  const api = toApiError(err, locale);
  const kept = Object.fromEntries(Object.entries(values).filter(([k]) => !SECRET.test(k)));
  // Beside each field its own message; the summary then says so in plain words rather than
  // naming fields by their code names.
  const message = err.code === 'validation_failed' && api.fields && Object.keys(api.fields).length ? m.common_form_check_fields() : api.message;
  return fail(err.status, { message, fields: api.fields ?? {}, values: kept });
}
