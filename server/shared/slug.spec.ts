import { describe, expect, it } from 'vitest';
import { slugify } from './slug.ts';

describe('slugify', () => {
  it('turns a French organisation name into a URL-safe slug', () => {
    expect(slugify("Office 64 de l'Habitat")).toBe('office-64-de-l-habitat');
    expect(slugify('Société Immobilière Émeraude')).toBe('societe-immobiliere-emeraude');
  });
  it('never returns a slug too short for the database check', () => {
    expect(slugify('!')).toMatch(/^[a-z0-9][a-z0-9-]{1,62}$/);
    expect(slugify('É')).toMatch(/^[a-z0-9][a-z0-9-]{1,62}$/);
  });
});
