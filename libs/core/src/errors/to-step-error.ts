import { findJsonProblem, storableString } from '../domain/check-json.js';
import { copyJson } from '../domain/copy-json.js';
import type { JsonValue } from '../domain/json.js';
import type { StepError } from '../domain/records.js';
import { AttemptInterruptedError } from './attempt-interrupted-error.js';
import { StepTimeoutError } from './step-timeout-error.js';
import { TaskerError } from './tasker-error.js';

/** How much of a thrown non-Error is kept as the error's `data`: enough for a code and details, not a payload. */
const DATA_CAPS = { bytes: 16 * 1024, depth: 16 };
const MESSAGE_DATA_CHARS = 500;
/** How much of a stack is kept: the throwing line and its callers, not a whole deep recursion. */
const STACK_CHARS = 4_096;

/** The error as stored: its strings made storable, since an error's text must reach the store, not be refused. */
function stepError(
  message: string,
  code: string,
  name: string,
  more: { data?: JsonValue; stack?: string } = {},
): StepError {
  const { data, stack } = more;
  return {
    message: storableString(message),
    code: storableString(code),
    name: storableString(name),
    ...(data === undefined ? {} : { data }),
    ...(stack === undefined ? {} : { stack: storableString(stack.slice(0, STACK_CHARS)) }),
  };
}

/**
 * The stack worth showing of `error`: a handler's, pointing at the line that threw; none for the engine's own
 * verdicts on an attempt (a timeout, an interruption), whose stack is the engine's and says nothing of the handler.
 */
function handlerStack(error: Error): string | undefined {
  if (error instanceof StepTimeoutError || error instanceof AttemptInterruptedError) return undefined;
  return error.stack;
}

/** What a handler threw that is an object but no `Error`: its string `code` and `message`, and its data when JSON. */
function fromObject(thrown: object): StepError {
  const { code, message } = thrown as { code?: unknown; message?: unknown };
  const data = findJsonProblem(thrown, 'thrown', DATA_CAPS) === undefined ? copyJson(thrown) : undefined;
  const text =
    typeof message === 'string'
      ? message
      : data === undefined
        ? 'The handler threw an object that is not an Error'
        : `The handler threw ${JSON.stringify(data).slice(0, MESSAGE_DATA_CHARS)}`;
  return stepError(
    text,
    typeof code === 'string' ? code : 'HANDLER_ERROR',
    'Error',
    data === undefined ? {} : { data },
  );
}

/**
 * Turns whatever a handler threw into the JSON that is stored, shown and sent with events. An `Error` keeps its
 * message, name, string `code` and stack (its first 4 KiB; none for the engine's timeout and interruption); a thrown object that is not an `Error` (`throw { code: 'E_CUSTOM', detail: 1 }`)
 * keeps its string `code` and `message` and, when it is JSON (see `checkJson`), all of it as `data`.
 */
export function toStepError(thrown: unknown): StepError {
  if (thrown instanceof Error) {
    const code = thrown instanceof TaskerError ? thrown.code : (thrown as { code?: unknown }).code;
    const stack = handlerStack(thrown);
    return stepError(
      thrown.message,
      typeof code === 'string' ? code : 'HANDLER_ERROR',
      thrown.name,
      stack === undefined ? {} : { stack },
    );
  }
  if (typeof thrown === 'object' && thrown !== null) return fromObject(thrown);
  return stepError(String(thrown), 'HANDLER_ERROR', 'Error');
}
