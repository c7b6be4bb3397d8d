import type { JsonValue } from '../api/types.js';

/** JSON in a collapsible block, open unless `collapsed`. */
export function JsonView({
  label,
  value,
  collapsed = false,
}: {
  label: string;
  value: JsonValue | undefined;
  collapsed?: boolean;
}) {
  return (
    <details class="json" open={!collapsed}>
      <summary>{label}</summary>
      <pre tabIndex={0}>{value === undefined ? '—' : JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}
