// Who may talk to the web-mode server: a loopback Host (against DNS rebinding), a same-origin
// Origin (against other local pages, which count as "same site" for cookies), and the per-launch
// token carried by the printed URL, a cookie, or an Authorization header.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison; different lengths are rejected without leaking where they differ. */
export function tokensEqual(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a); // spend the same time as a real comparison
    return false;
  }
  return timingSafeEqual(a, b);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}

export interface RequestAuth {
  readonly token: string;
  /** Cookies ignore ports, so the name carries the port: two servers must not overwrite each other. */
  readonly cookieName: string;
  hostAllowed(host: string | undefined): boolean;
  /** Absent Origin (curl, same-origin GET) is fine; a present one must be ours. */
  originAllowed(origin: string | undefined): boolean;
  /** Which credential (if any) on this request carries the right token. */
  credential(req: IncomingMessage, url: URL): 'query' | 'cookie' | 'header' | null;
  setCookieHeader(): string;
}

export function createRequestAuth(token: string, port: number): RequestAuth {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  const cookieName = `genq_token_${port}`;
  return {
    token,
    cookieName,
    hostAllowed: (host) => typeof host === 'string' && hosts.has(host.toLowerCase()),
    originAllowed: (origin) => origin === undefined || origins.has(origin.toLowerCase()),
    credential(req, url) {
      const auth = req.headers.authorization;
      if (auth && /^Bearer\s+/i.test(auth) && tokensEqual(token, auth.replace(/^Bearer\s+/i, '').trim())) {
        return 'header';
      }
      if (tokensEqual(token, parseCookies(req.headers.cookie).get(cookieName))) return 'cookie';
      if (tokensEqual(token, url.searchParams.get('token'))) return 'query';
      return null;
    },
    setCookieHeader: () => `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
  };
}
