import { StoreUrlError } from '../errors/store-url-error.js';
import type { TaskStore } from '../store/task-store.js';

/** A store an adapter creates: a {@link TaskStore} that can create or upgrade its own schema. */
export type MigratableStore = TaskStore & { migrate(): Promise<unknown> };

/** Imports a module by name; the real one is `import()`, tests pass their own. */
export type ImportModule = (specifier: string) => Promise<Record<string, unknown>>;

/** The adapter package a scheme needs, the factory it must export and the driver it loads. */
export interface AdapterNeed {
  /** The URL's scheme as the user wrote it, for messages: `postgres:`. */
  scheme: string;
  packageName: string;
  factory: string;
  driver: string;
}

/** The package a "cannot find" error names, if it is one: Node's ESM and CommonJS resolvers and knex's driver loader. */
function missingPackage(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  return /Cannot find (?:module|package) '([^']+)'/.exec(error.message)?.[1];
}

/**
 * Runs `open` (an import of the adapter, or the adapter opening its driver) and answers a clear error when the
 * adapter package or its driver is not installed: which scheme needed which packages, and the `npm install` line.
 */
export async function withAdapterInstalled<T>(need: AdapterNeed, open: () => Promise<T> | T): Promise<T> {
  try {
    return await open();
  } catch (error) {
    const missing = missingPackage(error);
    const isNeeded = (name: string) => missing === name || missing?.startsWith(`${name}/`);
    if (missing === undefined || !(isNeeded(need.packageName) || isNeeded(need.driver))) throw error;
    throw new StoreUrlError(
      'STORE_ADAPTER_MISSING',
      `a ${need.scheme} store URL needs the packages ${need.packageName} and ${need.driver}, and '${missing}' is ` +
        `not installed: run npm install ${need.packageName} ${need.driver}`,
      { cause: error },
    );
  }
}

/**
 * Imports the adapter a scheme needs and returns its store factory, checked to be a function.
 * @throws StoreUrlError `STORE_ADAPTER_MISSING` when the adapter or its driver is not installed, or when the module
 * that loads exports no such factory (another package of that name, or an incompatible version).
 */
export async function loadAdapterFactory<F>(need: AdapterNeed, importModule: ImportModule): Promise<F> {
  const adapter = await withAdapterInstalled(need, () => importModule(need.packageName));
  const factory = adapter[need.factory];
  if (typeof factory !== 'function') {
    throw new StoreUrlError(
      'STORE_ADAPTER_MISSING',
      `${need.packageName} exports no function ${need.factory}, which a ${need.scheme} store URL needs: ` +
        `install a version of ${need.packageName} that matches @tasker/core`,
    );
  }
  return factory as F;
}
