import type { Clock } from '../ports/clock.js';
import type { FinishedTaskState, ExpiredTask, ArchivedTask } from '../store/task-retention.js';
import type { TaskStore } from '../store/task-store.js';
import type { ArchiveSink } from './archive-sink.js';

/** What one purge removes: for each finished state it looks at, the age (ms) past which a listed task goes. */
export interface PurgePlan {
  /** The states to purge, each with the shortest age any of its tasks may have (where the listing starts). */
  shortestAge: Partial<Record<FinishedTaskState, number>>;
  /** The age of `task`'s state for its template; `undefined` keeps it. */
  ageOf(task: ExpiredTask): number | undefined;
}

/** How a purge goes: batch size, the pause between batches, archival, and whether it only counts. */
export interface PurgeSettings {
  batchSize: number;
  pauseMs: number;
  /** Copy into the store's archive table as the purge deletes (PostgreSQL, SQLite). */
  archiveTable: boolean;
  /** Write each task here before it is deleted. */
  archive?: ArchiveSink;
}

/** What a purge removed (or, for a dry run, would remove). */
export interface PurgeReport {
  dryRun: boolean;
  /** Tasks purged (or due, for a dry run). */
  tasks: number;
  byState: Partial<Record<FinishedTaskState, number>>;
  /** Counts by `namespace/name@version`. */
  byTemplate: Record<string, number>;
  /** Finish time of the oldest and the newest task counted (ms since the epoch). */
  oldestFinishedAt?: number;
  newestFinishedAt?: number;
}

/** Resolves after `ms` (a pause between batches, so that task traffic gets the store in between). */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Removes finished tasks past their age in small batches: lists a batch of one state (oldest first), keeps those due
 * for their template, archives them to a directory if asked (before they are deleted: a crash between leaves a
 * duplicate line, never a loss), purges them (into the archive table in the same transaction if asked), pauses,
 * and goes on from the batch's last task. `keepGoing` is asked before each batch: a worker that lost the retention
 * hold stops.
 */
export async function purgeFinishedTasks(
  store: TaskStore,
  clock: Clock,
  plan: PurgePlan,
  settings: PurgeSettings & { dryRun: boolean },
  keepGoing: () => Promise<boolean> = async () => true,
): Promise<PurgeReport> {
  const report: PurgeReport = { dryRun: settings.dryRun, tasks: 0, byState: {}, byTemplate: {} };
  const now = clock.now();
  for (const [state, shortest] of Object.entries(plan.shortestAge) as Array<[FinishedTaskState, number]>) {
    let after: ExpiredTask | undefined;
    for (;;) {
      if (!(await keepGoing())) return report;
      const query = { state, before: now - shortest, limit: settings.batchSize };
      const page = await store.listExpiredTasks(after ? { ...query, after } : query);
      after = page.at(-1);
      const due = page.filter((task) => {
        const age = plan.ageOf(task);
        return age !== undefined && task.finishedAt < now - age;
      });
      const gone = settings.dryRun ? due : await purge(store, due, settings);
      for (const task of gone) count(report, task);
      if (page.length < settings.batchSize) break;
      if (settings.pauseMs > 0) await pause(settings.pauseMs);
    }
  }
  return report;
}

async function purge(store: TaskStore, due: ExpiredTask[], settings: PurgeSettings): Promise<ExpiredTask[]> {
  if (due.length === 0) return [];
  const ids = due.map((task) => task.id);
  if (settings.archive) await settings.archive.write(await archived(store, ids));
  const purged = new Set(await store.purgeTasks(ids, settings.archiveTable ? { archive: true } : {}));
  return due.filter((task) => purged.has(task.id));
}

/** The tasks as archival keeps them, read from the store. */
async function archived(store: TaskStore, ids: string[]): Promise<ArchivedTask[]> {
  const loaded = await store.loadTasks(ids);
  return Promise.all(
    loaded.map(async ({ task, steps }) => ({
      task,
      steps,
      transitions: await store.getTransitions(task.id),
      annotations: await store.getAnnotations(task.id),
    })),
  );
}

function count(report: PurgeReport, task: ExpiredTask): void {
  const template = `${task.namespace}/${task.name}@${task.version}`;
  report.tasks++;
  report.byState[task.state] = (report.byState[task.state] ?? 0) + 1;
  report.byTemplate[template] = (report.byTemplate[template] ?? 0) + 1;
  report.oldestFinishedAt = Math.min(report.oldestFinishedAt ?? task.finishedAt, task.finishedAt);
  report.newestFinishedAt = Math.max(report.newestFinishedAt ?? task.finishedAt, task.finishedAt);
}
