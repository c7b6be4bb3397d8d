import type { JsonValue } from '@tasker/core';
import type { ErrorBody } from '@tasker/http';
import { CliError, UsageError } from '../cli-error.js';
import { EventStreamParser } from './server-sent-events.js';
import type {
  CreatedTaskJson,
  EventJson,
  EventQuery,
  PurgeQuery,
  PurgeReportJson,
  RunRequest,
  SignalJson,
  StepJson,
  TaskerClient,
  TaskJson,
  TaskQuery,
  TaskSummaryJson,
  WorkersJson,
} from './tasker-client.js';

/** Without `--follow`, the stream is read until no event has come for this long. */
const QUIET_MS = 1_000;

/** How to reach a running REST API of `@tasker/http`. */
export interface ApiClientOptions {
  /** Where the API is mounted, e.g. `https://tasker.example.com/tasker`. */
  url: string;
  /** A JWT the API accepts (`tasker token` mints one). */
  token: string;
  /** Called once the event stream is open, before any event (the command says so on stderr). */
  onStreamOpen?: () => void;
}

/** An API error said as the API said it: its code, message and each invalid field. */
function apiFailure(status: number, body: unknown): CliError {
  const error = (body as Partial<ErrorBody> | undefined)?.error;
  if (!error) return new CliError(`the API answered ${status}`);
  const fields = (error.fields ?? []).map((field) => `\n  ${field.field}: ${field.message}`).join('');
  return new CliError(`${error.message} (${error.code}, HTTP ${status})${fields}`);
}

/** The REST API transport: each call one request with the bearer token, answered in the API's own JSON. */
class ApiClient implements TaskerClient {
  readonly #base: string;
  readonly #token: string;
  readonly #onStreamOpen: (() => void) | undefined;

  constructor(options: ApiClientOptions) {
    this.#base = options.url.replace(/\/+$/, '');
    this.#token = options.token;
    this.#onStreamOpen = options.onStreamOpen;
  }

  async #fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = { authorization: `Bearer ${this.#token}`, ...(init.headers as Record<string, string>) };
    try {
      return await fetch(`${this.#base}${path}`, { ...init, headers });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new CliError(`cannot reach the API at ${this.#base}: ${cause}`);
    }
  }

  async #call<T>(method: 'GET' | 'POST', path: string, body?: JsonValue | object): Promise<T> {
    const response = await this.#fetch(path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new CliError(`the API answered ${response.status} with something that is not JSON: ${text.slice(0, 200)}`);
    }
    if (!response.ok) throw apiFailure(response.status, parsed);
    return parsed as T;
  }

  runTask({ deadlineMs, ...request }: RunRequest) {
    const body = deadlineMs === undefined ? request : { ...request, deadline_ms: deadlineMs };
    return this.#call<CreatedTaskJson>('POST', '/tasks', body);
  }

  async listTasks(query: TaskQuery) {
    const search = new URLSearchParams();
    if (query.states) search.set('state', query.states.join(','));
    if (query.namespace !== undefined) search.set('namespace', query.namespace);
    if (query.name !== undefined) search.set('name', query.name);
    if (query.createdFrom !== undefined) search.set('created_from', new Date(query.createdFrom).toISOString());
    if (query.limit !== undefined) search.set('limit', String(query.limit));
    const page = await this.#call<{ tasks: TaskSummaryJson[] }>('GET', `/tasks?${search}`);
    return page.tasks;
  }

  getTask(taskId: string) {
    return this.#call<TaskJson>('GET', `/tasks/${encodeURIComponent(taskId)}`);
  }

  retryTask(taskId: string, reason?: string) {
    return this.#call<TaskJson>('POST', `/tasks/${encodeURIComponent(taskId)}/retry`, reason ? { reason } : {});
  }

  cancelTask(taskId: string, reason?: string) {
    return this.#call<TaskJson>('POST', `/tasks/${encodeURIComponent(taskId)}/cancel`, reason ? { reason } : {});
  }

  resolveStep(taskId: string, stepName: string, results: JsonValue, reason?: string) {
    const path = `/tasks/${encodeURIComponent(taskId)}/steps/${encodeURIComponent(stepName)}/resolve`;
    return this.#call<StepJson>('POST', path, { results, ...(reason ? { reason } : {}) });
  }

  signal(taskId: string, name: string, payload: JsonValue) {
    return this.#call<SignalJson>(
      'POST',
      `/tasks/${encodeURIComponent(taskId)}/signals/${encodeURIComponent(name)}`,
      payload,
    );
  }

  purge({ olderThan, states, dryRun, archive }: PurgeQuery) {
    // The server archives as its engine's retention says: a client does not pick the server's directories.
    if (archive !== undefined) {
      throw new UsageError(
        "--archive-dir and --archive-table need --store: over --api, the server's retention.archive applies",
      );
    }
    const body = {
      dry_run: dryRun,
      ...(olderThan === undefined ? {} : { older_than: olderThan }),
      ...(states === undefined ? {} : { states }),
    };
    return this.#call<PurgeReportJson>('POST', '/tasks/purge', body);
  }

  async listWorkers(): Promise<WorkersJson> {
    const status = await this.#call<Partial<WorkersJson>>('GET', '/health/status');
    if (status.workers === undefined || status.waiting_tasks === undefined) {
      throw new CliError('the token may not see workers: it needs the workers:read permission');
    }
    return { waiting_tasks: status.waiting_tasks, workers: status.workers };
  }

  async readEvents(query: EventQuery, onEvent: (event: EventJson) => void, signal: AbortSignal): Promise<void> {
    const stop = new AbortController();
    const quiet = () => setTimeout(() => stop.abort(), QUIET_MS);
    let timer = query.follow ? undefined : quiet();
    signal.addEventListener('abort', () => stop.abort(), { once: true });
    const parser = new EventStreamParser((event) => {
      onEvent(JSON.parse(event.data) as EventJson);
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = quiet();
      }
    });
    try {
      const response = await this.#fetch(`/events?${new URLSearchParams({ type: query.type })}`, {
        headers: { accept: 'text/event-stream' },
        signal: stop.signal,
      });
      if (!response.ok) throw apiFailure(response.status, await response.json().catch(() => undefined));
      this.#onStreamOpen?.();
      const decoder = new TextDecoder();
      for await (const chunk of response.body ?? []) parser.push(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch (error) {
      if (!stop.signal.aborted) throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The REST API at `options.url`, called with `options.token`. */
export function openApiClient(options: ApiClientOptions): TaskerClient {
  return new ApiClient(options);
}
