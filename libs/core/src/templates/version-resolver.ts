/**
 * Picks the version a task request means among the registered ones: `requested` may be absent (the latest).
 * `@tasker/template` offers a resolver that also understands semver ranges.
 */
export type VersionResolver = (available: readonly string[], requested: string | undefined) => string | undefined;

function parts(version: string): { numbers: number[]; prerelease: string | undefined } {
  const [core = '', prerelease] = version.split('+')[0]!.split(/-(.*)/s);
  return { numbers: core.split('.').map(Number), prerelease };
}

/** Orders semantic versions (`1.10.0` after `1.9.0`, `2.0.0-rc.1` before `2.0.0`). */
export function compareVersions(a: string, b: string): number {
  const left = parts(a);
  const right = parts(b);
  for (let index = 0; index < 3; index++) {
    const difference = (left.numbers[index] ?? 0) - (right.numbers[index] ?? 0);
    if (difference !== 0) return difference;
  }
  if (left.prerelease === right.prerelease) return 0;
  if (left.prerelease === undefined) return 1;
  if (right.prerelease === undefined) return -1;
  return left.prerelease.localeCompare(right.prerelease, 'en', { numeric: true });
}

/** The default resolver: an exact version, or the latest release when none is requested. */
export const exactOrLatest: VersionResolver = (available, requested) => {
  if (requested !== undefined) return available.includes(requested) ? requested : undefined;
  const releases = available.filter((version) => !version.includes('-'));
  return [...(releases.length > 0 ? releases : available)].sort(compareVersions).at(-1);
};
