import type { JSONWebKeySet } from 'jose';

/** Checks every verified token's `iss` and `aud` claims when set. */
export interface TokenChecks {
  issuer?: string;
  audience?: string;
  /** Leeway for `exp` and `nbf`, in seconds. 5 when absent. */
  clockToleranceSeconds?: number;
  /**
   * The longest a token may live, in seconds: from its `iat` (or `nbf`) to its `exp`, or from now to its `exp` when
   * it has neither. A token without `exp` is refused too. 86 400 (24 h) when absent; `false` accepts tokens without
   * `exp` and of any lifetime (a stolen token then works until the key changes).
   */
  maxTokenLifetimeSeconds?: number | false;
}

/**
 * How the API authenticates requests: JWT bearer tokens verified with `jose`, by a shared HS256 secret, a JSON Web
 * Key Set (a URL, or the keys themselves) or one public key; or `{ disabled: true }`, which must be said
 * explicitly. Tokens carry `permissions` (an array of `resource:action` strings, or a space-separated `scope`)
 * and `namespaces` (an array; `["*"]` for every namespace; none means no namespace).
 */
export type AuthOptions =
  | { disabled: true }
  | (TokenChecks & { secret: string | Uint8Array })
  | (TokenChecks & { jwksUrl: string | URL })
  | (TokenChecks & { jwks: JSONWebKeySet })
  | (TokenChecks & {
      publicKey: string;
      algorithm: 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'ES256' | 'ES384' | 'EdDSA';
    });
