/**
 * Bearer JWTs from the bank's identity provider, verified with jose against the configured
 * issuer and audience and the provider's keys (a JWKS URL, fetched and cached by jose, or a
 * static public key). A claim (`sub` unless configured) names the staff member, who must be an
 * active member of staff here: the provider says who they are, this database what they may do.
 */
import { createRemoteJWKSet, decodeProtectedHeader, errors, importSPKI, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface JwtSettings {
  issuer: string;
  audience: string;
  /** Where the provider publishes its signing keys… */
  jwksUrl?: string;
  /** …or one PEM public key (SPKI), for providers without JWKS and for tests. */
  publicKeyPem?: string;
  /** The one signing algorithm accepted, for a static key and for JWKS keys alike (RS256 unless set). */
  algorithm?: string;
  /** The claim holding the staff id. */
  staffClaim: string;
}

/** The longest a JWT may still be valid for when it is presented; identity providers issue hours. */
export const MAX_JWT_LIFETIME_MS = 24 * 3_600_000;

export type JwtCheck = { staffId: string } | { refused: string };

export type JwtVerifier = (token: string) => Promise<JwtCheck>;

/** Three base64url parts: worth handing to the JWT verifier. */
export const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);

export function jwtVerifier(settings: JwtSettings): JwtVerifier {
  const remote: JWTVerifyGetKey | null = settings.jwksUrl ? createRemoteJWKSet(new URL(settings.jwksUrl)) : null;
  const fixed = settings.publicKeyPem ? importSPKI(settings.publicKeyPem, settings.algorithm ?? 'RS256') : null;
  if (!remote && !fixed) throw new Error('JWT authentication needs AUTH_JWT_JWKS_URL or AUTH_JWT_PUBLIC_KEY');

  const algorithm = settings.algorithm ?? 'RS256';
  return async (token) => {
    try {
      // The configured algorithm alone: a key that could verify others (RSA: PS256 beside RS256)
      // must not widen what the provider is trusted to sign with.
      const options = { issuer: settings.issuer, audience: settings.audience, algorithms: [algorithm] };
      const { payload } = remote
        ? await jwtVerify(token, remote, options)
        : await jwtVerify(token, (await fixed)!, options);
      // A token without an expiry would be a credential for ever; one far ahead, nearly so.
      if (typeof payload.exp !== 'number') return { refused: 'has no exp claim: it must expire' };
      if (payload.exp * 1000 - Date.now() > MAX_JWT_LIFETIME_MS) {
        return { refused: `expires more than ${MAX_JWT_LIFETIME_MS / 3_600_000} hours ahead` };
      }
      const staffId = payload[settings.staffClaim];
      if (typeof staffId !== 'string' || !staffId)
        return { refused: `has no ${settings.staffClaim} claim naming staff` };
      return { staffId };
    } catch (error) {
      return { refused: reason(error, token, algorithm) };
    }
  };
}

/** jose's error, as the caller may be told it (never the token or its claims' values). */
function reason(error: unknown, token: string, algorithm: string): string {
  if (error instanceof errors.JWTExpired) return 'has expired';
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return `is signed with ${String(decodeProtectedHeader(token).alg)}; only ${algorithm} is accepted`;
  }
  if (error instanceof errors.JWTClaimValidationFailed) return `fails its ${error.claim} claim check`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'has a signature that does not verify';
  if (error instanceof errors.JWKSNoMatchingKey) return 'is signed by a key the identity provider does not publish';
  if (error instanceof errors.JOSEError) return `is not a valid JWT (${error.code})`;
  return 'could not be verified';
}
