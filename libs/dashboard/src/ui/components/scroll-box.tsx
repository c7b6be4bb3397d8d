import type { ComponentChildren } from 'preact';

/**
 * A box that scrolls sideways when its content (a table, a graph) is wider than the screen, as on a phone. It can
 * take the focus, so that a keyboard can scroll it too, and is named for screen readers.
 */
export function ScrollBox({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="scroll-box" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
