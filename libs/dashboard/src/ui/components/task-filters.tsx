import { useState } from 'preact/hooks';
import { TASK_STATES } from '../api/types.js';
import { formatState } from '../format/format.js';

/** The filters of `GET /tasks`, as its query parameters. */
export interface Filters {
  state?: string;
  namespace?: string;
  name?: string;
  correlation_id?: string;
  annotation_type?: string;
  created_from?: string;
  created_to?: string;
}

const TEXT_FIELDS: Array<[keyof Filters, string]> = [
  ['namespace', 'Namespace'],
  ['name', 'Template'],
  ['correlation_id', 'Correlation id'],
  ['annotation_type', 'Annotation type'],
];

/** A `datetime-local` value (the operator's local time) as the ISO time with zone the API wants. */
function isoOf(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

/** An ISO time as a `datetime-local` value in the operator's time zone. */
function localOf(iso: string | undefined): string {
  if (!iso) return '';
  const time = new Date(iso);
  return new Date(time.getTime() - time.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/**
 * The list's filters: state, namespace, template, correlation id, annotation type and a creation time range. What is
 * typed stays a draft until applied; the parent remounts the form (by `key`) when it changes the filters itself.
 */
export function TaskFilters({ value, onApply }: { value: Filters; onApply: (filters: Filters) => void }) {
  const [draft, setDraft] = useState<Record<string, string>>({});
  const set = (field: string) => (event: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [field]: event.currentTarget.value });
  const shown = (field: keyof Filters) =>
    draft[field] ?? (field.startsWith('created') ? localOf(value[field]) : (value[field] ?? ''));
  return (
    <form
      class="filters"
      aria-label="Filters"
      onSubmit={(event) => {
        event.preventDefault();
        const next: Filters = {};
        for (const field of ['state', ...TEXT_FIELDS.map(([name]) => name)] as Array<keyof Filters>) {
          const text = shown(field).trim();
          if (text) next[field] = text;
        }
        const from = isoOf(shown('created_from'));
        const to = isoOf(shown('created_to'));
        if (from) next.created_from = from;
        if (to) next.created_to = to;
        onApply(next);
      }}
    >
      <label>
        State
        <select name="state" value={shown('state')} onChange={set('state')}>
          <option value="">any</option>
          {TASK_STATES.map((state) => (
            <option key={state} value={state}>
              {formatState(state)}
            </option>
          ))}
        </select>
      </label>
      {TEXT_FIELDS.map(([field, label]) => (
        <label key={field}>
          {label}
          <input name={field} value={shown(field)} onInput={set(field)} />
        </label>
      ))}
      <label>
        Created from
        <input type="datetime-local" name="created_from" value={shown('created_from')} onInput={set('created_from')} />
      </label>
      <label>
        Created before
        <input type="datetime-local" name="created_to" value={shown('created_to')} onInput={set('created_to')} />
      </label>
      <div class="buttons">
        <button type="submit">Apply filters</button>
        <button
          type="button"
          class="quiet"
          onClick={() => {
            setDraft({});
            onApply({});
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
