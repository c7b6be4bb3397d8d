import { isTaskUnfinished, type SendSignalOutcome, type SentSignal, type TaskState } from '@tasker/core';
import type { StoreContext } from '../store-context.js';

/**
 * Stores a signal in one transaction with its checks (see `TaskSignals.sendSignal`): the task row is locked first
 * (Postgres `FOR UPDATE`; SQLite has one writer), so a task cannot finish between the check and the insert; the
 * primary key keeps the first signal of a name. A passivated task no lease holds becomes claimable at `sentAt`.
 * Answers the outcome and whether the task was woken.
 */
export async function sendSignal(
  { db, dialect, tables, exclusive }: StoreContext,
  signal: SentSignal,
): Promise<{ outcome: SendSignalOutcome; woke: boolean }> {
  return exclusive(() =>
    db.transaction(async (trx) => {
      const select = trx(tables.tasks).select('state').where('id', signal.taskId);
      const task = (await (dialect === 'postgres' ? select.forUpdate() : select))[0] as { state: string } | undefined;
      if (!task) return { outcome: 'task_not_found', woke: false };
      if (!isTaskUnfinished(task.state as TaskState)) return { outcome: 'task_finished', woke: false };
      const inserted = await trx(tables.signals)
        .insert({
          task_id: signal.taskId,
          name: signal.name,
          payload: JSON.stringify(signal.payload),
          sent_at: signal.sentAt,
        })
        .onConflict(['task_id', 'name'])
        .ignore()
        .returning('name');
      if (inserted.length === 0) return { outcome: 'duplicate', woke: false };
      const woke = await trx(tables.tasks)
        .update({ claimable_at: signal.sentAt })
        .where('id', signal.taskId)
        .whereNull('lease_owner')
        .where('claimable_at', '>', signal.sentAt);
      return { outcome: 'sent', woke: woke > 0 };
    }),
  );
}

/** The signals of task `taskId`, oldest first. */
export async function readSignals({ db, tables }: StoreContext, taskId: string): Promise<SentSignal[]> {
  const rows = (await db(tables.signals)
    .select('name', 'payload', 'sent_at')
    .where('task_id', taskId)
    .orderBy([{ column: 'sent_at' }, { column: 'name' }])) as Array<{
    name: string;
    payload: unknown;
    sent_at: unknown;
  }>;
  return rows.map((row) => ({
    taskId,
    name: row.name,
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
    sentAt: Number(row.sent_at),
  }));
}
