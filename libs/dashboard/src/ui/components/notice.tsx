/** An error the API answered, announced to screen readers as it appears. */
export function ErrorNotice({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <p class="notice error" role="alert">
      {error}
    </p>
  );
}

/** Shown while a page's first answer is on its way. */
export function Loading() {
  return (
    <p class="notice" aria-live="polite">
      Loading…
    </p>
  );
}
