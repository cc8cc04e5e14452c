import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, toApiError } from './app-error.ts';
import { fields, msg, validate } from './validate.ts';

const schema = z.object({
  email: fields.email(),
  password: fields.password(),
  age: z.number(msg('Âge requis.', 'Age required.')).int().min(18, msg('Être majeur.', 'Must be an adult.'))
});

function failure(input: unknown): AppError {
  try {
    validate(schema, input);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a validation failure');
}

describe('validate', () => {
  it('returns the parsed data (email lower-cased) when valid', () => {
    expect(validate(schema, { email: 'Nom@Exemple.FR', password: 'une phrase longue', age: 70 })).toEqual({
      email: 'nom@exemple.fr',
      password: 'une phrase longue',
      age: 70
    });
  });

  it('gives every bad field a French and an English message', () => {
    const err = failure({ email: 'pas-une-adresse', password: 'court', age: 12 });
    expect(err.code).toBe('validation_failed');
    expect(err.status).toBe(400);
    expect(err.fields?.email.fr).toMatch(/Adresse e-mail invalide/);
    expect(err.fields?.email.en).toMatch(/Invalid email address/);
    expect(err.fields?.password.fr).toMatch(/au moins 10 caractères/);
    expect(err.fields?.password.en).toMatch(/at least 10 characters/);
    expect(err.fields?.age).toEqual({ fr: 'Être majeur.', en: 'Must be an adult.' });
    expect(err.text.fr).toContain('email, password, age');
  });

  it("uses zod's own French and English messages where we wrote none", () => {
    const err = failure({ email: 'a@b.fr', password: 'une phrase longue', age: 'soixante' });
    expect(err.fields?.age.fr).toBe('Âge requis.');
    const other = (() => {
      try {
        validate(z.object({ n: z.number() }), { n: 'x' });
      } catch (e) {
        return e as AppError;
      }
    })()!;
    expect(other.fields?.n.fr).not.toEqual(other.fields?.n.en);
    expect(other.fields?.n.fr.length).toBeGreaterThan(0);
  });

  it('renders the wire error in the asked language with the other one beside it', () => {
    const err = failure({});
    const fr = toApiError(err, 'fr');
    const en = toApiError(err, 'en');
    expect(fr.message).toMatch(/^Vérifiez ces champs/);
    expect(fr.messageEn).toMatch(/^Please check these fields/);
    expect(en.message).toMatch(/^Please check these fields/);
    expect(Object.keys(fr.fields ?? {})).toEqual(['email', 'password', 'age']);
  });

  it('never leaks an unexpected error to the client', () => {
    const wire = toApiError(new Error('connection refused at 10.0.0.1'), 'fr');
    expect(wire).toEqual({ code: 'internal', message: 'Erreur interne. Réessayez.', messageEn: 'Internal error. Please try again.' });
  });
});
