/** Decodes a JWT's payload without verifying it: the API verifies; the page only reads what to show. */
function payloadOf(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const payload: unknown = JSON.parse(json);
    return payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function wordsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((item): item is string => typeof item === 'string');
  if (typeof claim === 'string') return claim.split(' ').filter((word) => word !== '');
  return [];
}

/** The permissions a token carries in its `permissions` and `scope` claims, read as the API reads them. */
export function permissionsOf(token: string | null): ReadonlySet<string> {
  const payload = token ? payloadOf(token) : undefined;
  return new Set(payload ? [...wordsOf(payload['permissions']), ...wordsOf(payload['scope'])] : []);
}
