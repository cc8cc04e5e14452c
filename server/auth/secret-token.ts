import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase, decodeHex } from '@oslojs/encoding';

/**
 * Bearer secrets (session cookies, API tokens, invitation links, guest sessions) follow the
 * Lucia guide: "<id>.<secret>", the id to look the row up, the secret compared by its SHA-256
 * in constant time, so neither the database nor a timing side channel reveals a usable token.
 */
export interface SecretToken {
  id: string;
  secret: string;
  token: string;
  secretHash: string;
}

function randomBase32(bytes: number): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return encodeBase32LowerCaseNoPadding(buf);
}

export function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

export function newSecretToken(prefix = ''): SecretToken {
  const id = prefix + randomBase32(10);
  const secret = randomBase32(20);
  return { id, secret, token: `${id}.${secret}`, secretHash: hashSecret(secret) };
}

export function parseSecretToken(token: string | undefined | null): { id: string; secret: string } | null {
  if (!token || token.length > 200) return null;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot === token.length - 1) return null;
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (!/^[a-z0-9_]+$/.test(id) || !/^[a-z0-9]+$/.test(secret)) return null;
  return { id, secret };
}

export function secretMatches(secret: string, storedHashHex: string): boolean {
  const a = decodeHex(hashSecret(secret));
  let b: Uint8Array;
  try {
    b = decodeHex(storedHashHex);
  } catch {
    return false;
  }
  return a.length === b.length && constantTimeEqual(a, b);
}
