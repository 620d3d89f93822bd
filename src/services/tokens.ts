import crypto from 'node:crypto';

// Signed, expiring tokens in the compact JWS form Flasky's itsdangerous
// serializer produced (header.payload.signature, HS512), with two fixes:
// every token carries a purpose, and the signing key is derived per purpose,
// so a confirmation token can never pass as a reset or API token.

export type TokenPurpose = 'confirm' | 'reset' | 'change_email' | 'api';
export type TokenPayload = Record<string, string | number | boolean>;

export interface Tokens {
  sign(purpose: TokenPurpose, payload: TokenPayload, expiresInSeconds: number): string;
  /** The payload, or null when the token is malformed, forged, expired or for another purpose. */
  verify(purpose: TokenPurpose, token: unknown): TokenPayload | null;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function parseJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function createTokens(secret: string, now: () => number = Date.now): Tokens {
  const keyFor = (purpose: TokenPurpose) => crypto.createHash('sha512').update(`mlnotes.${purpose}.${secret}`).digest();
  const signature = (purpose: TokenPurpose, signingInput: string) =>
    crypto.createHmac('sha512', keyFor(purpose)).update(signingInput).digest();

  return {
    sign(purpose, payload, expiresInSeconds) {
      const iat = Math.floor(now() / 1000);
      const input = `${b64({ alg: 'HS512', iat, exp: iat + expiresInSeconds, pur: purpose })}.${b64(payload)}`;
      return `${input}.${signature(purpose, input).toString('base64url')}`;
    },
    verify(purpose, token) {
      if (typeof token !== 'string' || token.length > 4096) return null;
      const parts = token.split('.');
      if (parts.length !== 3) return null;
      const expected = signature(purpose, `${parts[0]}.${parts[1]}`);
      const given = Buffer.from(parts[2], 'base64url');
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
      const header = parseJson(parts[0]);
      const payload = parseJson(parts[1]);
      if (!header || !payload || header.pur !== purpose || typeof header.exp !== 'number') return null;
      if (header.exp <= Math.floor(now() / 1000)) return null;
      return payload as TokenPayload;
    },
  };
}
