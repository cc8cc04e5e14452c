import type { IncomingMessage } from 'node:http';
import type { ApiTokenService } from '../auth/api-tokens.ts';
import { SESSION_COOKIE, type AuthUser, type Session, type SessionService } from '../auth/sessions.ts';
import { GUEST_COOKIE, type Guest, type GuestService } from '../guests/guests.service.ts';

export interface RequestIdentity {
  user: AuthUser | null;
  session: Session | null;
  guest: Guest | null;
  via: 'cookie' | 'bearer' | null;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (!k || k in out) continue;
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export function bearerToken(header: string | string[] | undefined): string | null {
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1] : null;
}

/**
 * Who is asking, for any transport: the API, Socket.IO handshakes and Yjs upgrades all pass
 * their request here. `Authorization: Bearer` takes a personal API token or a session token;
 * otherwise the session cookie; a guest cookie identifies a workshop guest.
 */
export class RequestAuthenticator {
  constructor(
    private readonly sessions: SessionService,
    private readonly apiTokens: ApiTokenService,
    private readonly guests: GuestService
  ) {}

  async identify(req: Pick<IncomingMessage, 'headers'>): Promise<RequestIdentity> {
    const bearer = bearerToken(req.headers.authorization);
    if (bearer) {
      const tokenUser = await this.apiTokens.validate(bearer);
      if (tokenUser) return { user: tokenUser, session: null, guest: null, via: 'bearer' };
      const s = await this.sessions.validate(bearer);
      if (s) return { user: s.user, session: s.session, guest: null, via: 'bearer' };
      return { user: null, session: null, guest: null, via: null };
    }
    const cookies = parseCookies(req.headers.cookie);
    const fromSession = cookies[SESSION_COOKIE] ? await this.sessions.validate(cookies[SESSION_COOKIE]) : null;
    const guest = cookies[GUEST_COOKIE] ? await this.guests.validate(cookies[GUEST_COOKIE]) : null;
    if (fromSession) return { user: fromSession.user, session: fromSession.session, guest, via: 'cookie' };
    return { user: null, session: null, guest, via: guest ? 'cookie' : null };
  }
}

export function sessionCookieOptions(secure: boolean, expires: Date) {
  return { httpOnly: true, sameSite: 'lax' as const, secure, path: '/', expires };
}
