import type { ComponentChildren } from 'preact';
import { hrefOf } from '../router.js';

/** A link to a page of the dashboard (`to` below its root), followed without a reload. */
export function Link({ to, children, className }: { to: string; children: ComponentChildren; className?: string }) {
  return (
    <a href={hrefOf(to)} data-route={to} class={className}>
      {children}
    </a>
  );
}
