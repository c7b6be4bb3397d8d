import type { AuthOptions } from '@tasker/http';
import { SettingError } from './setting-error.js';
import { parsePositiveWholeNumber } from './parse-setting.js';

/**
 * How the REST API at `/tasker` authenticates, from the environment:
 * - `TASKER_JWT_SECRET` (32 characters or more): HS256 bearer tokens signed with it are required, each with an `exp`
 *   at most `TASKER_MAX_TOKEN_LIFETIME_SECONDS` (86 400 when unset) after its `iat`;
 * - else `TASKER_AUTH=off`: no authentication, for a demo on your own machine. It is the default unless
 *   `NODE_ENV=production`, where the app refuses to start without one of the two.
 * @throws SettingError naming the variable that is missing or malformed.
 */
export function taskerAuthFromEnvironment(env: NodeJS.ProcessEnv): AuthOptions {
  if (env.TASKER_JWT_SECRET) {
    if (env.TASKER_JWT_SECRET.length < 32)
      throw new SettingError('TASKER_JWT_SECRET must be at least 32 characters (HS256)');
    const lifetime = env.TASKER_MAX_TOKEN_LIFETIME_SECONDS;
    if (lifetime === undefined) return { secret: env.TASKER_JWT_SECRET };
    const maxTokenLifetimeSeconds = parsePositiveWholeNumber('TASKER_MAX_TOKEN_LIFETIME_SECONDS', lifetime);
    return { secret: env.TASKER_JWT_SECRET, maxTokenLifetimeSeconds };
  }
  const mode = env.TASKER_AUTH ?? (env.NODE_ENV === 'production' ? undefined : 'off');
  if (mode === 'off') return { disabled: true };
  if (mode === undefined) {
    throw new SettingError('Set TASKER_JWT_SECRET (an HS256 secret) or TASKER_AUTH=off for the REST API at /tasker');
  }
  throw new SettingError(`TASKER_AUTH must be 'off' (or leave it unset and set TASKER_JWT_SECRET), not '${mode}'`);
}
