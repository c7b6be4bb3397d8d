import { fileURLToPath } from 'node:url';

/**
 * The folder of the dashboard's built assets: `index.html` and content-hashed files under `assets/`, for a server to
 * serve (as `@tasker/http` does at `<prefix>/ui`). Both this file and its compiled form sit one folder below the
 * package, so the path is the same from either.
 */
export const dashboardAssetsDir: string = fileURLToPath(new URL('../dist/ui/', import.meta.url));
