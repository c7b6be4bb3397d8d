import type { VersionResolver } from '@tasker/core';
import semver from 'semver';

/** The highest version of `available` within `range`; pre-releases only when nothing else qualifies. */
function highest(available: readonly string[], range: string): string | undefined {
  return (
    semver.maxSatisfying([...available], range) ??
    semver.maxSatisfying([...available], range, { includePrerelease: true }) ??
    undefined
  );
}

/**
 * Picks a template version by exact version (`1.2.0`), by semver range (`^1.2`, `~1.2.3`, `>=1 <3`, `1.x`) or,
 * when none or `latest` is requested, the latest release. Several versions of a template then coexist and
 * callers pin as loosely as they like.
 *
 * @example
 * const engine = createEngine({ resolveVersion: semverResolver });
 * await engine.runTask({ namespace: 'ecommerce', name: 'process_order', version: '^1.0.0', context });
 */
export const semverResolver: VersionResolver = (available, requested) => {
  if (requested === undefined || requested === 'latest') return highest(available, '*');
  if (semver.valid(requested) === requested) return available.includes(requested) ? requested : undefined;
  return semver.validRange(requested) === null
    ? undefined
    : (semver.maxSatisfying([...available], requested) ?? undefined);
};
