import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchivedTask } from '../store/task-retention.js';
import type { ArchiveSink } from './archive-sink.js';

/** The file of the day `ms` falls on (UTC): `tasks-2026-12-06.jsonl`. */
export function archiveFileName(ms: number): string {
  return `tasks-${new Date(ms).toISOString().slice(0, 10)}.jsonl`;
}

/**
 * Archives tasks as JSON Lines, one `ArchivedTask` per line, into one file per day of the tasks' finish (UTC), so a
 * task written twice (a crash between its line and its purge) lands twice in the same file. Each write is appended
 * and flushed to disk (`fdatasync`) before it resolves, so the purge that follows never loses a task.
 */
export class JsonLinesArchive implements ArchiveSink {
  readonly #directory: string;

  constructor(directory: string) {
    this.#directory = directory;
  }

  async write(tasks: readonly ArchivedTask[]): Promise<void> {
    const byFile = new Map<string, string[]>();
    for (const archived of tasks) {
      const file = archiveFileName(archived.task.updatedAt);
      byFile.set(file, [...(byFile.get(file) ?? []), JSON.stringify(archived)]);
    }
    await mkdir(this.#directory, { recursive: true });
    for (const [file, lines] of byFile) {
      const handle = await open(join(this.#directory, file), 'a');
      try {
        await handle.appendFile(`${lines.join('\n')}\n`);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    }
  }
}
