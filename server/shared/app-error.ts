import type { ApiError, ErrorCode } from '../../src/lib/protocol/result.ts';

/** A text in both languages the product speaks; French is the source. */
export interface Bilingual {
  fr: string;
  en: string;
}
export type Locale = 'fr' | 'en';

export const bi = (fr: string, en: string): Bilingual => ({ fr, en });

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorised: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  too_large: 413,
  rate_limited: 429,
  setup_done: 409,
  internal: 500
};

// The SvelteKit server bundle carries its own copy of this module, so a plain `instanceof` would
// not recognise an error thrown by the services; instances carry a registered symbol instead.
const APP_ERROR = Symbol.for('concerto.AppError');

/**
 * An expected failure with a message for the person who caused it. Only these reach a
 * client; anything else becomes `internal` with no detail (the log keeps the stack).
 */
export class AppError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[APP_ERROR] === true;
  }
  readonly [APP_ERROR] = true;
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly text: Bilingual,
    readonly fields?: Record<string, Bilingual>
  ) {
    super(text.en);
    this.name = 'AppError';
    this.status = STATUS[code];
  }
}

export const Errors = {
  unauthorised: () =>
    new AppError('unauthorised', bi('Connectez-vous pour continuer.', 'Please log in to continue.')),
  forbidden: () =>
    new AppError('forbidden', bi("Vous n'avez pas le droit de faire cela.", 'You are not allowed to do this.')),
  notFound: (what: Bilingual) =>
    new AppError('not_found', bi(`${what.fr} introuvable.`, `${what.en} not found.`)),
  conflict: (text: Bilingual, field?: string) =>
    new AppError('conflict', text, field ? { [field]: text } : undefined),
  unprocessable: (text: Bilingual, field?: string) =>
    new AppError('unprocessable', text, field ? { [field]: text } : undefined),
  rateLimited: () =>
    new AppError(
      'rate_limited',
      bi('Trop de tentatives. Réessayez dans quelques minutes.', 'Too many attempts. Try again in a few minutes.')
    )
};

export function toApiError(err: unknown, locale: Locale): ApiError {
  if (err instanceof AppError) {
    const out: ApiError = { code: err.code, message: err.text[locale], messageEn: err.text.en };
    if (err.fields) {
      out.fields = Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, v[locale]]));
    }
    return out;
  }
  return {
    code: 'internal',
    message: locale === 'fr' ? 'Erreur interne. Réessayez.' : 'Internal error. Please try again.',
    messageEn: 'Internal error. Please try again.'
  };
}

export function statusOf(err: unknown): number {
  return err instanceof AppError ? err.status : 500;
}
