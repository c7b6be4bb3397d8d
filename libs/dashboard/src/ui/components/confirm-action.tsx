import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { describeError } from '../api/api-error.js';

interface ConfirmActionProps {
  /** The button that opens the confirmation, e.g. `Retry task`. */
  label: string;
  /** The confirmation's question. */
  title: string;
  /** Fields the action needs (a reason, results), shown in the confirmation. */
  children?: ComponentChildren;
  /** Why the form cannot be sent yet, shown instead of sending; `undefined` when it can. */
  problem?: string | undefined;
  /** Does the action; an error it throws (the API's answer) is shown in the confirmation, which stays open. */
  run: () => Promise<void>;
  danger?: boolean;
}

/** A button whose action runs only after a confirmation in a modal dialog, which shows the API's refusal if any. */
export function ConfirmAction({ label, title, children, problem, run, danger = false }: ConfirmActionProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const close = () => {
    dialog.current?.close();
    setError(undefined);
    setTried(false);
  };
  const confirm = async (event: Event) => {
    event.preventDefault();
    setTried(true);
    if (problem) return;
    setBusy(true);
    try {
      await run();
      close();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  const titleId = `${label.replace(/\W+/g, '-').toLowerCase()}-title`;
  return (
    <>
      <button type="button" class={danger ? 'danger' : undefined} onClick={() => dialog.current?.showModal()}>
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} onClose={close}>
        <form method="dialog" onSubmit={confirm}>
          <h2 id={titleId}>{title}</h2>
          {children}
          {tried && problem && (
            <p class="notice error" role="alert">
              {problem}
            </p>
          )}
          {error && (
            <p class="notice error" role="alert">
              {error}
            </p>
          )}
          <div class="buttons">
            <button type="button" class="quiet" onClick={close}>
              Back
            </button>
            <button type="submit" class={danger ? 'danger' : undefined} disabled={busy}>
              Confirm
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
