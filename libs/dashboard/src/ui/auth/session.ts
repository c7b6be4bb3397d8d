import { computed, signal } from '@preact/signals';
import { config } from '../config.js';
import { permissionsOf } from './token-claims.js';

const STORAGE_KEY = 'tasker.dashboard.token';

/**
 * The bearer token the operator gave, kept in sessionStorage: it lives as long as the tab and is never written to
 * disk for later sessions.
 */
export const token = signal<string | null>(sessionStorage.getItem(STORAGE_KEY));

/** Whether the page must ask for a token before it can call the API. */
export const needsToken = computed(() => config.auth && token.value === null);

/** The permissions the token claims (`*` when auth is off); the API still checks each request. */
export const permissions = computed<ReadonlySet<string>>(() =>
  config.auth ? permissionsOf(token.value) : new Set(['*']),
);

/** Whether the token claims `permission`: actions it lacks are not shown. */
export function may(permission: string): boolean {
  return permissions.value.has(permission) || permissions.value.has('*');
}

export function signIn(value: string): void {
  sessionStorage.setItem(STORAGE_KEY, value);
  token.value = value;
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  token.value = null;
}
