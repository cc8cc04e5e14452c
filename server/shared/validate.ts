import { z } from 'zod';
import { AppError, bi, type Bilingual, type Locale } from './app-error.ts';

const localeMaps = { fr: z.locales.fr().localeError, en: z.locales.en().localeError };

// Schemas are parsed synchronously, once per locale, so a module-level "current locale" is
// safe: nothing else runs between setting it and the parse returning.
let current: Locale = 'fr';

/** A custom zod message in both languages, picked at parse time: `z.string().min(2, msg(...))`. */
export const msg = (fr: string, en: string) => ({ error: text(fr, en) });
/** The bare message function, for `{ error: text(...) }` where other params sit beside it. */
export const text = (fr: string, en: string) => () => (current === 'fr' ? fr : en);

function fieldsFor(schema: z.ZodType, input: unknown, locale: Locale): Record<string, string> {
  current = locale;
  try {
    const res = schema.safeParse(input, { error: localeMaps[locale] });
    if (res.success) return {};
    const fields: Record<string, string> = {};
    for (const issue of res.error.issues) {
      // An unknown field is reported on the object; name the field itself.
      const keys =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((k) => [...issue.path, k].join('.'))
          : [issue.path.length ? issue.path.join('.') : '_'];
      for (const key of keys) fields[key] ??= issue.message;
    }
    return fields;
  } finally {
    current = 'fr';
  }
}

/**
 * Parses input with a zod schema; on failure throws a `validation_failed` AppError whose
 * fields carry a French and an English message for each bad field.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  current = 'fr';
  const res = schema.safeParse(input, { error: localeMaps.fr });
  if (res.success) return res.data;
  const fr = fieldsFor(schema, input, 'fr');
  const en = fieldsFor(schema, input, 'en');
  const fields: Record<string, Bilingual> = {};
  for (const key of Object.keys(fr)) fields[key] = bi(fr[key], en[key] ?? fr[key]);
  const names = Object.keys(fields).filter((k) => k !== '_');
  throw new AppError(
    'validation_failed',
    names.length
      ? bi(`Vérifiez ces champs : ${names.join(', ')}.`, `Please check these fields: ${names.join(', ')}.`)
      : bi('Requête invalide.', 'Invalid request.'),
    fields
  );
}

/**
 * An optional form field: an empty string (what an untouched input sends) means null, and any
 * other value must pass `schema`, whose own message is then the one shown.
 */
export const blankable = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === '' ? null : v), schema.nullable());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids from URLs are checked before they reach SQL, where a malformed uuid is an error, not a miss. */
export const isUuid = (s: string) => UUID.test(s);

/** Common field schemas with bilingual messages. */
export const fields = {
  email: () =>
    z
      .string(msg('Adresse e-mail requise.', 'Email address required.'))
      .trim()
      .max(254, msg('Adresse e-mail trop longue.', 'Email address too long.'))
      .email(msg('Adresse e-mail invalide (exemple : nom@exemple.fr).', 'Invalid email address (example: name@example.org).'))
      .transform((s) => s.toLowerCase()),
  password: () =>
    z
      .string(msg('Mot de passe requis.', 'Password required.'))
      .min(10, msg('Le mot de passe doit faire au moins 10 caractères.', 'The password must be at least 10 characters long.'))
      .max(200, msg('Mot de passe trop long (200 caractères au plus).', 'Password too long (200 characters at most).')),
  name: (min = 2, max = 200) =>
    z
      .string(msg('Ce champ est requis.', 'This field is required.'))
      .trim()
      .min(min, msg(`Au moins ${min} caractère(s).`, `At least ${min} character(s).`))
      .max(max, msg(`Au plus ${max} caractères.`, `At most ${max} characters.`)),
  uuid: () => z.string(msg('Identifiant requis.', 'Identifier required.')).uuid(msg('Identifiant invalide.', 'Invalid identifier.'))
};
