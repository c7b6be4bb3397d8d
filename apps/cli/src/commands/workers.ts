import { Command } from 'commander';
import { withClient, withConnectionOptions, type ConnectionOptions } from '../connection/open-client.js';
import { table } from '../format/table.js';
import { ago } from '../format/time.js';
import type { Io } from '../io.js';
import { writeJson } from './json-output.js';

interface WorkersOptions extends ConnectionOptions {
  json?: boolean;
}

/** `tasker workers`: the workers holding leases now, and the tasks waiting for one. */
export function workersCommand(io: Io): Command {
  const command = new Command('workers')
    .description('list the workers holding leases on tasks, and how many tasks wait for a worker')
    .option('--json', 'print JSON');
  return withConnectionOptions(command).action((options: WorkersOptions) =>
    withClient(options, io, async (client) => {
      const workers = await client.listWorkers();
      if (options.json) return writeJson(io, workers);
      const now = Date.now();
      io.out(`${workers.waiting_tasks} task${workers.waiting_tasks === 1 ? '' : 's'} waiting for a worker\n`);
      if (workers.workers.length === 0) return io.out('no worker holds a lease\n');
      io.out(
        table(
          ['WORKER', 'LEASES', 'FIRST LEASE EXPIRES'],
          workers.workers.map((worker) => [
            worker.worker_id,
            String(worker.leases),
            ago(worker.first_lease_expiry, now),
          ]),
        ),
      );
    }),
  );
}
