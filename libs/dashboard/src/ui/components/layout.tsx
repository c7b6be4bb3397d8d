import type { ComponentChildren } from 'preact';
import { config } from '../config.js';
import { signOut } from '../auth/session.js';
import { liveStatus } from '../live/event-feed.js';
import { route, type Route } from '../router.js';
import { Link } from './link.js';

const PAGES: Array<{ to: string; label: string; pages: Array<Route['page']> }> = [
  { to: 'tasks', label: 'Tasks', pages: ['tasks', 'task'] },
  { to: 'templates', label: 'Templates', pages: ['templates'] },
  { to: 'analytics', label: 'Analytics', pages: ['analytics'] },
  { to: 'workers', label: 'Workers', pages: ['workers'] },
];

/** The header with the navigation and the live stream's status, around the page shown. */
export function Layout({ children }: { children: ComponentChildren }) {
  const current = route.value.page;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span class="brand">Tasker</span>
        <nav aria-label="Pages">
          {PAGES.map((page) => (
            <span key={page.to} aria-current={page.pages.includes(current) ? 'page' : undefined}>
              <Link to={page.to}>{page.label}</Link>
            </span>
          ))}
        </nav>
        <span class="live" data-status={liveStatus.value} role="status">
          {liveStatus.value}
        </span>
        {config.auth && (
          <button type="button" class="quiet" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
