import type { TaskStore } from '../store/task-store.js';

/**
 * `store`, with the methods in `overrides` in place of its own: how a test makes a real store fail, hang or see
 * other data in one call while everything else goes to the store (its own methods bound to it, so that its private
 * fields work).
 *
 * @example
 * const flaky = storeWith(store, { commit: () => Promise.reject(new Error('read ECONNRESET')) });
 */
export function storeWith<T extends TaskStore>(store: T, overrides: Partial<TaskStore>): TaskStore {
  return new Proxy(store, {
    get(target, property) {
      const own = overrides[property as keyof TaskStore];
      if (own) return own;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
