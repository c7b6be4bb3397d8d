import type { ArchivedTask } from '../store/task-retention.js';

/** Where tasks go before they are purged (`retention.archive.directory`); durable when `write` resolves. */
export interface ArchiveSink {
  write(tasks: readonly ArchivedTask[]): Promise<void>;
}
