/**
 * Staff sign-in with the bank's identity provider: OpenID Connect's authorization-code flow with
 * PKCE, by openid-client (discovery, the code exchange, and the ID token's signature, issuer,
 * audience, nonce and expiry). The ID token names the staff member by the JWT settings' claim;
 * this database says whether they are staff and what they may do, as for a JWT.
 */
import type { Configuration } from 'openid-client';

export interface OidcSettings {
  /** The provider; its `/.well-known/openid-configuration` tells the rest. */
  issuer: string;
  clientId: string;
  /** Absent for a public client (PKCE alone). */
  clientSecret?: string;
  /** Where the provider sends the browser back; absent: this API's own callback, at the address asked. */
  redirectUrl?: string;
  /** The ID token's claim naming the staff member. */
  staffClaim: string;
}

/** What a sign-in keeps between sending the browser away and its return: secrets of this one try. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  redirectUrl: string;
  /** The console page to go to after. */
  next?: string;
}

export type OidcOutcome = { staffId: string } | { refused: string };

export interface OidcSignIn {
  /** Where to send the browser, and what to keep for its return. */
  begin(redirectUrl: string, next?: string): Promise<{ url: string; pending: PendingSignIn }>;
  /** The staff member the provider vouches for, from the URL the browser came back to. */
  finish(callbackUrl: URL, pending: PendingSignIn): Promise<OidcOutcome>;
}

/** openid-client is an ES module: loaded when first needed (this project is CommonJS). */
const openidClient = () => import('openid-client');

/** Plain http is for a provider on this machine (tests, a local IdP); anything else needs TLS. */
const isLoopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

export function oidcSignIn(settings: OidcSettings): OidcSignIn {
  let configuration: Promise<Configuration> | null = null;
  // Discovered on first use, and again after a failure (the provider was down at start, say).
  const discovered = () => {
    configuration ??= (async () => {
      const client = await openidClient();
      const issuer = new URL(settings.issuer);
      return client.discovery(
        issuer,
        settings.clientId,
        settings.clientSecret,
        settings.clientSecret ? undefined : client.None(),
        issuer.protocol === 'http:' && isLoopback(issuer) ? { execute: [client.allowInsecureRequests] } : undefined,
      );
    })().catch((error: unknown) => {
      configuration = null;
      throw error;
    });
    return configuration;
  };

  return {
    async begin(redirectUrl, next) {
      const client = await openidClient();
      const config = await discovered();
      const pending: PendingSignIn = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier: client.randomPKCECodeVerifier(),
        redirectUrl: settings.redirectUrl ?? redirectUrl,
        next,
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: pending.redirectUrl,
        scope: 'openid',
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, pending };
    },

    async finish(callbackUrl, pending) {
      const client = await openidClient();
      const config = await discovered();
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const staffId = tokens.claims()?.[settings.staffClaim];
        if (typeof staffId !== 'string' || !staffId) {
          return { refused: `the ID token has no ${settings.staffClaim} claim naming staff` };
        }
        return { staffId };
      } catch (error) {
        // The provider's own refusal (the person declined, say) or a check that failed: never a token's content.
        const { error: code, error_description: why } = error as { error?: string; error_description?: string };
        return { refused: code ? `${code}${why ? `: ${why}` : ''}` : (error as Error).message };
      }
    },
  };
}
