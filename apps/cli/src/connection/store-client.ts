import { hostname, userInfo } from 'node:os';
import {
  createEngine,
  createStoreFromUrl,
  TaskerError,
  type Engine,
  type EventPattern,
  type JsonValue,
  type TaskStore,
} from '@tasker/core';
import { eventJson, purgeReportJson, stepJson, taskJson, taskSummaryJson } from '@tasker/http';
import { semverResolver } from '@tasker/template';
import { CliError } from '../cli-error.js';
import { loadWithStandIns } from './template-stand-ins.js';
import type {
  EventJson,
  EventQuery,
  PurgeQuery,
  RunRequest,
  SignalJson,
  TaskerClient,
  TaskJson,
  TaskQuery,
  WorkersJson,
} from './tasker-client.js';

/** How often the CLI's engine reads the store while waiting for a task to settle or following events. */
const POLL_INTERVAL_MS = 250;
/** How many events one read of the log takes. */
const EVENT_PAGE = 1_000;

/** How to reach a store directly. */
export interface StoreClientOptions {
  /** `postgres://...`, `redis://...` or `sqlite:<path>`. */
  url: string;
  /** The YAML templates `run` creates tasks of (`--templates`, `TASKER_TEMPLATES_DIR`). */
  templatesDir?: string;
  /** Called once `events --follow` has fixed where it starts, before any event (the command says so on stderr). */
  onFollowing?: () => void;
}

/** Who an operator action is recorded as: the user and host the command ran as. */
function operatorName(): string {
  return `${userInfo().username}@${hostname()} (tasker cli)`;
}

/** An operator action refused because a worker holds the task's lease, said so with where to look next. */
function leaseRefusal(error: unknown): never {
  if (error instanceof TaskerError && error.code === 'TASK_LEASED') {
    throw new CliError(`${error.message} (\`tasker workers\` lists the workers holding leases)`);
  }
  throw error;
}

/**
 * The store transport: an operator-only engine on the store, which creates tasks for workers to claim and acts on a
 * task by claiming its lease like any worker (refused while another worker holds it), and runs no handler.
 */
class StoreClient implements TaskerClient {
  readonly #store: TaskStore;
  readonly #engine: Engine;
  readonly #templatesDir: string | undefined;
  #templatesLoaded: Promise<void> | undefined;
  readonly #by = operatorName();
  readonly #onFollowing: (() => void) | undefined;

  constructor(store: TaskStore, templatesDir: string | undefined, onFollowing: (() => void) | undefined) {
    this.#store = store;
    this.#templatesDir = templatesDir;
    this.#onFollowing = onFollowing;
    this.#engine = createEngine({
      store,
      operatorOnly: true,
      workerId: `tasker-cli:${hostname()}:${process.pid}`,
      pollIntervalMs: POLL_INTERVAL_MS,
      resolveVersion: semverResolver,
    });
  }

  /** Loads the templates once, when a command needs them (`run`, and a retry after compensation). */
  #templates(required: boolean): Promise<void> {
    if (this.#templatesDir === undefined) {
      if (!required) return Promise.resolve();
      throw new CliError(
        'this command through a store needs the templates: give --templates <dir> or TASKER_TEMPLATES_DIR',
      );
    }
    this.#templatesLoaded ??= loadWithStandIns(this.#engine, this.#templatesDir);
    return this.#templatesLoaded;
  }

  async runTask(request: RunRequest) {
    await this.#templates(true);
    const template = this.#engine.catalog.resolveTemplate(request.namespace, request.name, request.version);
    if (template.taskHandler !== undefined) {
      throw new CliError(
        `${request.namespace}/${request.name}@${template.version} has a task handler (${template.taskHandler}), ` +
          'whose hooks only a worker can run: create its tasks through --api',
      );
    }
    const result = await this.#engine.runTask({ ...request, initiator: this.#by });
    return {
      task_id: result.taskId,
      current_state: result.state,
      correlation_id: result.correlationId,
      created: result.created,
    };
  }

  async listTasks(query: TaskQuery) {
    const page = await this.#engine.listTasks({
      ...(query.states ? { state: query.states } : {}),
      ...(query.namespace === undefined ? {} : { namespace: query.namespace }),
      ...(query.name === undefined ? {} : { name: query.name }),
      ...(query.createdFrom === undefined ? {} : { createdFrom: query.createdFrom }),
      ...(query.limit === undefined ? {} : { limit: query.limit }),
    });
    return page.tasks.map(taskSummaryJson);
  }

  async getTask(taskId: string): Promise<TaskJson> {
    const [task, history] = await Promise.all([this.#engine.getTask(taskId), this.#engine.getHistory(taskId)]);
    return taskJson(task, history);
  }

  async retryTask(taskId: string, reason?: string) {
    await this.#templates(false);
    await this.#engine.retryTask(taskId, this.#action(reason)).catch(leaseRefusal);
    return this.getTask(taskId);
  }

  async cancelTask(taskId: string, reason?: string) {
    await this.#engine.cancelTask(taskId, this.#action(reason)).catch(leaseRefusal);
    return this.getTask(taskId);
  }

  async resolveStep(taskId: string, stepName: string, results: JsonValue, reason?: string) {
    await this.#engine.resolveStep(taskId, stepName, results, this.#action(reason)).catch(leaseRefusal);
    const task = await this.#engine.getTask(taskId);
    return stepJson(task.steps.find((step) => step.name === stepName)!);
  }

  async signal(taskId: string, name: string, payload: JsonValue): Promise<SignalJson> {
    // The template says which signals the task takes and what their payloads must look like.
    await this.#templates(true);
    const sent = await this.#engine.signal(taskId, name, payload);
    return { task_id: sent.taskId, signal: sent.signal, outcome: sent.outcome };
  }

  async listWorkers(): Promise<WorkersJson> {
    const [workers, waiting] = await Promise.all([this.#engine.listWorkers(), this.#engine.countWaitingTasks()]);
    return {
      waiting_tasks: waiting,
      workers: workers.map((worker) => ({
        worker_id: worker.workerId,
        leases: worker.leases,
        first_lease_expiry: new Date(worker.firstExpiry).toISOString(),
      })),
    };
  }

  /**
   * The store's event log, every worker's events: without `follow`, the events it holds, oldest first; with it, the
   * events committed from now on, as they come, until `signal` aborts.
   */
  async readEvents(query: EventQuery, onEvent: (event: EventJson) => void, signal: AbortSignal): Promise<void> {
    const types = [query.type as EventPattern];
    const { events } = this.#engine;
    if (query.follow) {
      const after = await events.lastId();
      this.#onFollowing?.();
      const followed = events.follow({ types, signal, ...(after === undefined ? { fromStart: true } : { after }) });
      for await (const { event } of followed) onEvent(eventJson(event));
      return;
    }
    let after: string | undefined;
    for (;;) {
      const page = await events.read({ types, limit: EVENT_PAGE, ...(after === undefined ? {} : { after }) });
      for (const { event } of page) {
        if (signal.aborted) return;
        onEvent(eventJson(event));
      }
      if (page.length < EVENT_PAGE) return;
      after = page.at(-1)!.id;
    }
  }

  async purge({ olderThan, states, dryRun, archive }: PurgeQuery) {
    const report = await this.#engine.purgeFinishedTasks({
      dryRun,
      ...(olderThan === undefined ? {} : { olderThan }),
      ...(states === undefined ? {} : { states }),
      ...(archive === undefined ? {} : { archive }),
    });
    return purgeReportJson(report);
  }

  async close() {
    await this.#engine.stop({ gracePeriodMs: 0 });
    await this.#store.close();
  }

  #action(reason: string | undefined) {
    return { by: this.#by, ...(reason === undefined ? {} : { reason }) };
  }
}

/** Opens the store of `url` (creating or upgrading its schema first, as every store does) for the commands. */
export async function openStoreClient(options: StoreClientOptions): Promise<TaskerClient> {
  const store = await createStoreFromUrl(options.url);
  return new StoreClient(store, options.templatesDir, options.onFollowing);
}
