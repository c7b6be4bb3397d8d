import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  importSPKI,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type KeyObject,
} from 'jose';
import { ApiError } from '../errors/api-error.js';
import type { AuthOptions } from './auth-options.js';
import { Principal } from './principal.js';

/** Turns a request's `Authorization` header into the caller, or refuses it. */
export type Authenticator = (authorization: string | undefined) => Promise<Principal>;

type VerificationKey = Uint8Array | KeyObject | JWTVerifyGetKey;

/** Reads the strings of an array claim, or the words of a space-separated one. */
function stringsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((item): item is string => typeof item === 'string');
  if (typeof claim === 'string') return claim.split(' ').filter((word) => word !== '');
  return [];
}

function principalOf(payload: JWTPayload): Principal {
  const permissions = new Set([...stringsOf(payload.permissions), ...stringsOf(payload.scope)]);
  const namespaces = stringsOf(payload.namespaces);
  return new Principal(payload.sub ?? 'unknown', permissions, namespaces.includes('*') ? '*' : new Set(namespaces));
}

const ONE_DAY_SECONDS = 86_400;

/**
 * @throws ApiError `TOKEN_EXPIRY_REQUIRED` for a token without `exp`, `TOKEN_LIFETIME_TOO_LONG` for one living longer
 * than `maxSeconds` (from `iat`, else `nbf`, else now, to `exp`): a leaked long-lived token would work for too long.
 */
function checkLifetime(payload: JWTPayload, maxSeconds: number, toleranceSeconds: number): void {
  if (payload.exp === undefined) {
    throw new ApiError('TOKEN_EXPIRY_REQUIRED', 'The token has no exp claim; tokens must expire');
  }
  const [since, from] =
    payload.iat !== undefined
      ? ['iat', payload.iat]
      : payload.nbf !== undefined
        ? ['nbf', payload.nbf]
        : ['now', Math.floor(Date.now() / 1000)];
  const lifetime = payload.exp - from;
  if (lifetime > maxSeconds + toleranceSeconds) {
    throw new ApiError(
      'TOKEN_LIFETIME_TOO_LONG',
      `The token lives ${lifetime} s (exp - ${since}), longer than the ${maxSeconds} s accepted`,
    );
  }
}

function why(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is invalid';
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "The token's algorithm is not accepted";
  return 'The token is malformed or cannot be verified';
}

/**
 * An authenticator for `options`. Keys are prepared once; a JWKS URL is fetched (and cached) by `jose` when the
 * first token arrives.
 */
export async function createAuthenticator(options: AuthOptions): Promise<Authenticator> {
  if ('disabled' in options) {
    const everything = Principal.unrestricted();
    return async () => everything;
  }
  let key: VerificationKey;
  let algorithms: string[] | undefined;
  if ('secret' in options) {
    key = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
    algorithms = ['HS256'];
  } else if ('jwksUrl' in options) key = createRemoteJWKSet(new URL(options.jwksUrl));
  else if ('jwks' in options) key = createLocalJWKSet(options.jwks);
  else {
    key = await importSPKI(options.publicKey, options.algorithm);
    algorithms = [options.algorithm];
  }
  const verifyOptions = {
    ...(algorithms ? { algorithms } : {}),
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience }),
    clockTolerance: options.clockToleranceSeconds ?? 5,
  };
  const maxLifetime = options.maxTokenLifetimeSeconds ?? ONE_DAY_SECONDS;
  return async (authorization) => {
    const match = /^Bearer +(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new ApiError('UNAUTHENTICATED', 'A bearer token is required (Authorization: Bearer <token>)');
    try {
      const token = match[1]!;
      const { payload } =
        typeof key === 'function'
          ? await jwtVerify(token, key, verifyOptions)
          : await jwtVerify(token, key, verifyOptions);
      if (maxLifetime !== false) checkLifetime(payload, maxLifetime, verifyOptions.clockTolerance);
      return principalOf(payload);
    } catch (error) {
      throw error instanceof ApiError ? error : new ApiError('UNAUTHENTICATED', why(error));
    }
  };
}
