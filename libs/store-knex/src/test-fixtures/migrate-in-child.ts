/**
 * Run by a test in a process of its own: opens a store on the configuration given as JSON in argv[2], lets its
 * first use migrate it, creates the task given in argv[3], and prints the migrations it found applied.
 */
import { createKnexStore } from '../index.js';

const [config, task] = [JSON.parse(process.argv[2]!), JSON.parse(process.argv[3]!)];
// knex reports a migration lock held by a sibling process on stdout, where the test reads this process's answer.
const quiet = () => undefined;
const store = createKnexStore({ ...config, log: { warn: quiet, error: quiet, debug: quiet, deprecate: quiet } });
try {
  await store.createTask(task, []);
  process.stdout.write(JSON.stringify(await store.migrate()));
} finally {
  await store.close();
}
