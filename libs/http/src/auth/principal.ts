import { ApiError } from '../errors/api-error.js';
import type { Permission } from './permissions.js';

/**
 * Who is calling, from a verified token: the subject, its permissions, and the namespaces it may see (`'*'` for
 * every namespace).
 */
export class Principal {
  constructor(
    readonly subject: string,
    readonly permissions: ReadonlySet<string>,
    readonly namespaces: ReadonlySet<string> | '*',
  ) {}

  /** Everything allowed: what requests carry when auth is configured off. */
  static unrestricted(): Principal {
    return new Principal('anonymous', new Set(['*']), '*');
  }

  /** Whether the token carries `permission` (or `*`). */
  may(permission: Permission): boolean {
    return this.permissions.has(permission) || this.permissions.has('*');
  }

  /** @throws ApiError `FORBIDDEN` without the permission. */
  require(permission: Permission): void {
    if (!this.may(permission)) {
      throw new ApiError('FORBIDDEN', `The token lacks the permission ${permission}`);
    }
  }

  sees(namespace: string): boolean {
    return this.namespaces === '*' || this.namespaces.has(namespace);
  }

  /** @throws ApiError `FORBIDDEN` when the token is not scoped to `namespace`. */
  requireNamespace(namespace: string): void {
    if (!this.sees(namespace)) throw new ApiError('FORBIDDEN', `The token does not grant namespace '${namespace}'`);
  }

  /**
   * The one namespace a query over many tasks is narrowed to: the one asked for (if granted), the token's only
   * namespace, or none for a token of every namespace.
   * @throws ApiError `FORBIDDEN` for a namespace not granted; `INVALID_REQUEST` when a token of several namespaces
   * names none (a query covers one namespace or all).
   */
  scopeNamespace(requested: string | undefined): string | undefined {
    if (requested !== undefined) {
      this.requireNamespace(requested);
      return requested;
    }
    if (this.namespaces === '*') return undefined;
    if (this.namespaces.size === 1) return [...this.namespaces][0];
    throw new ApiError('INVALID_REQUEST', 'namespace: required for a token scoped to several namespaces', [
      { field: 'query.namespace', message: 'required for a token scoped to several namespaces' },
    ]);
  }
}
