import { Command, InvalidArgumentError } from 'commander';
import { PERMISSIONS } from '@tasker/http';
import { SignJWT } from 'jose';
import { CliError, UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { parseList } from '../parse-arguments.js';
import { writeJson } from './json-output.js';

interface TokenOptions {
  sub: string;
  permissions: string[];
  namespaces: string[];
  ttl: string;
  json?: boolean;
}

/** Permissions, each one the API knows, or `*` for all of them. */
function parsePermissions(value: string): string[] {
  const permissions = parseList(value);
  if (permissions.includes('*')) return [...PERMISSIONS];
  const unknown = permissions.filter((permission) => !(PERMISSIONS as readonly string[]).includes(permission));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown ${unknown.join(', ')}; the permissions are ${PERMISSIONS.join(', ')} (or *)`,
    );
  }
  return permissions;
}

/**
 * `tasker token --sub <who> --permissions <list> --namespaces <list> [--ttl 1h]`: mints an HS256 token for the REST
 * API from `TASKER_JWT_SECRET`, with `iat` and `exp` (the API refuses tokens without one).
 */
export function tokenCommand(io: Io): Command {
  return new Command('token')
    .description('mint a REST API token (HS256, signed with TASKER_JWT_SECRET)')
    .requiredOption('--sub <subject>', 'who the token is for; recorded as `by` on the actions taken with it')
    .requiredOption(
      '--permissions <list>',
      `comma-separated: ${PERMISSIONS.join(', ')}, or * for all`,
      parsePermissions,
    )
    .requiredOption('--namespaces <list>', 'comma-separated namespaces the token may see, or * for all', parseList)
    .option('--ttl <span>', 'how long it lives: 30m, 8h, 7d', '1h')
    .option('--json', 'print the token and its expiry as JSON')
    .action(async (options: TokenOptions) => {
      const secret = io.env.TASKER_JWT_SECRET;
      if (!secret) throw new CliError('token needs TASKER_JWT_SECRET, the secret the API verifies tokens with');
      const issuedAt = Math.floor(Date.now() / 1_000);
      let signer: SignJWT;
      try {
        signer = new SignJWT({ permissions: options.permissions, namespaces: options.namespaces })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(options.sub)
          .setIssuedAt(issuedAt)
          .setExpirationTime(options.ttl);
      } catch {
        throw new UsageError(
          `option '--ttl <span>' argument '${options.ttl}' is invalid: expected a span like 30m, 8h or 7d`,
        );
      }
      const token = await signer.sign(new TextEncoder().encode(secret));
      const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number };
      if (options.json) return writeJson(io, { token, expires_at: new Date(payload.exp * 1_000).toISOString() });
      io.out(`${token}\n`);
    });
}
