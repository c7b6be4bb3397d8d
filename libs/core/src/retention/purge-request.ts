import type { TaskTemplate } from '../domain/template.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { FINISHED_TASK_STATES, type FinishedTaskState } from '../store/task-retention.js';
import { durationMs, type Duration } from './duration.js';
import { JsonLinesArchive } from './json-lines-archive.js';
import { DEFAULT_PURGE_STATES, olderThanPlan, policyPlan } from './purge-plan.js';
import { archiveOptions, type ArchiveOptions, type RetentionSettings } from './retention-options.js';
import type { PurgePlan, PurgeSettings } from './task-purger.js';

/** What `engine.purgeFinishedTasks` (and `tasker purge`) is asked to do. */
export interface PurgeRequest {
  /**
   * Purge every task of `states` finished longer ago than this, whatever the retention policy says. Without it, the
   * engine's `retention` (with its templates' overrides) decides, and an engine without one refuses.
   */
  olderThan?: Duration;
  /** Only these finished states; with `olderThan`, all but `compensation_failed` when absent. */
  states?: readonly FinishedTaskState[];
  /** Count what would go, and delete nothing. */
  dryRun?: boolean;
  /** Archival for this purge; the engine's `retention.archive` when absent. */
  archive?: ArchiveOptions;
}

/** A purge run: which tasks go and how. */
export interface PurgeRun {
  plan: PurgePlan;
  settings: PurgeSettings & { dryRun: boolean };
}

/** Defaults of a purge asked of an engine without `retention`. */
const DEFAULT_PACE = { batchSize: 100, pauseMs: 50 };

/**
 * The run `request` asks for on an engine with `retention` (or none) and `templates`.
 * @throws InvalidRequestError naming the field: a bad duration, a state that is not finished, archival the store
 * cannot do, no `olderThan` on an engine without retention.
 */
export function purgeRun(
  request: PurgeRequest,
  retention: RetentionSettings | undefined,
  templates: readonly TaskTemplate[],
  archivesToTable: boolean,
): PurgeRun {
  const states = request.states?.map((state, index) => {
    if (!(FINISHED_TASK_STATES as readonly string[]).includes(state))
      throw new InvalidRequestError(
        `states[${index}]`,
        `'${state}' is no finished state (${FINISHED_TASK_STATES.join(', ')})`,
      );
    return state;
  });
  let plan: PurgePlan;
  if (request.olderThan !== undefined) {
    plan = olderThanPlan(durationMs('olderThan', request.olderThan), states ?? DEFAULT_PURGE_STATES);
  } else if (retention) {
    plan = policyPlan(retention.ages, templates, states);
  } else {
    throw new InvalidRequestError('olderThan', 'is required: this engine has no retention policy to purge by');
  }
  const archive = request.archive
    ? archiveOptions('archive', request.archive, archivesToTable)
    : (retention?.archive ?? {});
  const pace = retention ?? DEFAULT_PACE;
  return {
    plan,
    settings: {
      dryRun: request.dryRun ?? false,
      batchSize: pace.batchSize,
      pauseMs: pace.pauseMs,
      archiveTable: archive.table ?? false,
      ...(archive.directory === undefined ? {} : { archive: new JsonLinesArchive(archive.directory) }),
    },
  };
}
