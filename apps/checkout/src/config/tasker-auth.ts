import type { AuthOptions } from '@tasker/http';
import { SettingError } from './setting-error.js';

/**
 * How the REST API at `/tasker` authenticates, from the environment:
 * - `TASKER_JWT_SECRET` (32 characters or more): HS256 bearer tokens signed with it are required;
 * - else `TASKER_AUTH=off`: no authentication, for a demo on your own machine. It is the default unless
 *   `NODE_ENV=production`, where the app refuses to start without one of the two.
 * @throws SettingError naming the variable that is missing or malformed.
 */
export function taskerAuthFromEnvironment(env: NodeJS.ProcessEnv): AuthOptions {
  if (env.TASKER_JWT_SECRET) {
    if (env.TASKER_JWT_SECRET.length < 32)
      throw new SettingError('TASKER_JWT_SECRET must be at least 32 characters (HS256)');
    return { secret: env.TASKER_JWT_SECRET };
  }
  const mode = env.TASKER_AUTH ?? (env.NODE_ENV === 'production' ? undefined : 'off');
  if (mode === 'off') return { disabled: true };
  if (mode === undefined) {
    throw new SettingError('Set TASKER_JWT_SECRET (an HS256 secret) or TASKER_AUTH=off for the REST API at /tasker');
  }
  throw new SettingError(`TASKER_AUTH must be 'off' (or leave it unset and set TASKER_JWT_SECRET), not '${mode}'`);
}
