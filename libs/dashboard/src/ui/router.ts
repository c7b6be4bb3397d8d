import { signal } from '@preact/signals';

/** A page of the dashboard and its parameters, from the path below the app's root (`tasks/<id>`). */
export type Route =
  | { page: 'tasks' }
  | { page: 'task'; taskId: string }
  | { page: 'templates'; namespace?: string; name?: string }
  | { page: 'analytics' }
  | { page: 'workers' };

/** The app's root path (`/tasker/ui/`), from the `<base>` the server writes into index.html. */
function rootPath(): string {
  return new URL(document.baseURI).pathname;
}

/** The route of a path below the root; anything unknown is the task list. */
export function routeOf(relative: string): Route {
  const [first, second, third] = relative.split('/').filter(Boolean).map(decodeURIComponent);
  if (first === 'tasks' && second) return { page: 'task', taskId: second };
  if (first === 'templates')
    return { page: 'templates', ...(second ? { namespace: second } : {}), ...(third ? { name: third } : {}) };
  if (first === 'analytics' || first === 'workers') return { page: first };
  return { page: 'tasks' };
}

function currentRoute(): Route {
  const path = location.pathname.startsWith(rootPath()) ? location.pathname.slice(rootPath().length) : '';
  return routeOf(path);
}

/** The page shown now; changed by `navigate` and the browser's back and forward. */
export const route = signal<Route>(currentRoute());

/** Where a link to a page goes, relative to the app's root (`tasks/<id>`). */
export function hrefOf(relative: string): string {
  return new URL(relative, document.baseURI).pathname;
}

/** Shows the page at `relative` (below the root) and records it in the browser's history. */
export function navigate(relative: string): void {
  history.pushState(null, '', hrefOf(relative));
  route.value = currentRoute();
  window.scrollTo(0, 0);
}

addEventListener('popstate', () => (route.value = currentRoute()));

/**
 * Follows a plain left click on an in-app link without reloading the page; other clicks (new tab, modifier keys)
 * and links elsewhere are left to the browser.
 */
document.addEventListener('click', (event) => {
  const link = (event.target as Element | null)?.closest?.('a[data-route]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(link.getAttribute('data-route') ?? '');
});
