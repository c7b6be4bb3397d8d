import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskJson } from '../connection/tasker-client.js';
import { runTasker, type TaskerRun } from './run-tasker.js';
import type { TestWorker } from './worker.js';

/** A transport the commands are run through, with a worker running the demo templates behind it. */
export interface Transport {
  kind: 'store' | 'api';
  /** The flags that name it (`--store <url>`), or none when `env` does. */
  args: string[];
  /** The environment of every run (`TASKER_API_URL`, `TASKER_TOKEN`, `TASKER_TEMPLATES_DIR`, ...). */
  env: Record<string, string>;
  worker: TestWorker;
  close(): Promise<void>;
}

/** Waits until the worker has started the task's first step. */
async function untilRunning(worker: TestWorker, taskId: string): Promise<void> {
  while ((await worker.engine.getTask(taskId)).steps[0]?.state !== 'in_progress') await sleep(20);
}

/**
 * Runs every command that reaches Tasker through one transport: the same expectations for SQLite, PostgreSQL and
 * the REST API, but where the transports differ by design (events and migrate through a store; acting on a task a
 * worker holds).
 */
export function describeCommands(name: string, open: () => Promise<Transport>): void {
  describe(`tasker through ${name}`, () => {
    let transport: Transport;
    const tasker = (...args: string[]): Promise<TaskerRun> => runTasker([...args, ...transport.args], transport.env);
    /** Creates a demo/flow task declined once, waits until it failed, and answers its id. */
    const failedTask = async (): Promise<string> => {
      const run = await tasker('run', 'demo/flow', '--context', '{"decline":true}', '--wait', '--json');
      expect(run.code).toBe(1);
      return (JSON.parse(run.out) as TaskJson).task_id;
    };

    beforeAll(async () => {
      transport = await open();
    });
    afterAll(async () => {
      await transport?.close();
    });

    it('run --wait creates a task the workers run, and prints it once completed', async () => {
      const run = await tasker('run', 'demo/flow@^1.0.0', '--context', '{"decline":false}', '--wait', '--json');
      expect(run.err).toMatch(/^task [0-9a-f-]{36} created; waiting until it is finished\n$/);
      expect(run.code).toBe(0);
      const task = JSON.parse(run.out) as TaskJson;
      expect(task).toMatchObject({ namespace: 'demo', name: 'flow', version: '1.2.0', current_state: 'completed' });
      expect(task.workflow_steps.map((step) => [step.name, step.current_state])).toEqual([
        ['charge', 'completed'],
        ['ship', 'completed'],
      ]);
    });

    it('run without --wait prints the new task id; tasks list filters by state, namespace, name and time', async () => {
      const failedId = await failedTask();
      const list = await tasker('tasks', 'list', '--state', 'failed', '--namespace', 'demo', '--since', '1h', '--json');
      expect(list.code).toBe(0);
      const tasks = JSON.parse(list.out) as TaskJson[];
      expect(tasks.map((task) => task.task_id)).toContain(failedId);
      expect(new Set(tasks.map((task) => task.current_state))).toEqual(new Set(['failed']));
      const table = await tasker('tasks', 'list', '--name', 'flow');
      expect(table.out).toMatch(/^TASK +TEMPLATE +STATE +CREATED +DURATION\n/);
      expect(table.out).toMatch(new RegExp(`${failedId}  demo/flow@1\\.2\\.0 +failed `));
      const none = await tasker('tasks', 'list', '--name', 'no_such_template');
      expect(none.out).toBe('no tasks\n');
    });

    it('tasks show draws the steps as a tree with states, attempts and the last error', async () => {
      const failedId = await failedTask();
      const show = await tasker('tasks', 'show', failedId);
      expect(show.code).toBe(0);
      expect(show.out).toContain(`task ${failedId}  demo/flow@1.2.0\nstate     failed\n`);
      expect(show.out).toMatch(
        /\nsteps\n└─ charge {2}failed {2}1 attempt {2}\S+ ms\n {3}last error: card declined.*\n {3}└─ ship {2}pending {2}0 attempts {2}-\n$/,
      );
      const json = JSON.parse((await tasker('tasks', 'show', failedId, '--json')).out) as TaskJson;
      expect(json.workflow_steps[0]).toMatchObject({ name: 'charge', current_state: 'failed', attempts: 1 });
      expect(json.history.length).toBeGreaterThan(0);
      const missing = await tasker('tasks', 'show', randomUUID());
      expect(missing.code).toBe(1);
      expect(missing.err).toMatch(/^error: No task [0-9a-f-]{36}/);
      expect(missing.out).toBe('');
    });

    it('steps resolve resolves a failed step by hand, and tasks watch follows the task until it is finished', async () => {
      const failedId = await failedTask();
      const resolve = await tasker('steps', 'resolve', failedId, 'charge', '--results', '{"charged":"by hand"}');
      expect(resolve.err).toBe('');
      expect(resolve.out).toBe(`step charge of task ${failedId} is resolved_manually\n`);
      const watch = await tasker('tasks', 'watch', failedId);
      expect(watch.code).toBe(0);
      expect(watch.out).toMatch(/^\d\d:\d\d:\d\d {2}task /);
      expect(watch.out).toMatch(/\nstate {5}resolved_manually\n/);
      const task = JSON.parse((await tasker('tasks', 'show', failedId, '--json')).out) as TaskJson;
      expect(task.workflow_steps.map((step) => step.current_state)).toEqual(['resolved_manually', 'completed']);
      expect(task.workflow_steps[0]!.results).toEqual({ charged: 'by hand' });
    });

    it('signal completes the signal step a task waits on, shown waiting by tasks show until then', async () => {
      // An hour, instead of the template's day.
      const run = await tasker('run', 'demo/approval', '--context', '{}', '--deadline-ms', '3600000');
      expect(run.code).toBe(0);
      const taskId = run.out.trim();
      while ((await transport.worker.engine.getTask(taskId)).steps[0]?.state !== 'waiting') await sleep(20);
      const show = await tasker('tasks', 'show', taskId);
      expect(show.out).toMatch(/└─ approve {2}waiting {2}1 attempt .*\n {3}waiting for signal approved\n/);
      const { deadline_at } = JSON.parse((await tasker('tasks', 'show', taskId, '--json')).out) as TaskJson;
      expect(show.out).toContain(`\ndeadline  in 60 min. (${deadline_at})\n`);
      const unknown = await tasker('signal', taskId, 'rejected');
      expect(unknown.code).toBe(1);
      expect(unknown.err).toMatch(/waits for no signal 'rejected'; it declares 'approved'/);
      const signal = await tasker('signal', taskId, 'approved', '--payload', '{"by":"ops"}');
      expect(signal.err).toBe('');
      expect(signal.out).toMatch(new RegExp(`^signal approved sent to task ${taskId}: `));
      const task = await transport.worker.engine.waitForTask(taskId, { timeoutMs: 10_000 });
      expect(task.steps[0]).toMatchObject({ state: 'completed', results: { by: 'ops' } });
      const again = await tasker('signal', taskId, 'approved', '--payload', '{}');
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/completed and takes no signal/);
    });

    it("tasks show counts a map step's items by state", async () => {
      const run = await tasker('run', 'demo/mailing', '--context', '{"recipients":["ana","bo","nobody","cy"]}');
      const taskId = run.out.trim();
      await transport.worker.engine.waitForTask(taskId, { timeoutMs: 10_000 });
      const show = await tasker('tasks', 'show', taskId);
      expect(show.out).toMatch(/└─ mail {2}failed {2}1 attempt .*\n {3}items: 2 completed, 1 failed \(3 started\)\n/);
    });

    it('tasks retry runs a failed task again, recorded with its reason', async () => {
      const failedId = await failedTask();
      const retry = await tasker('tasks', 'retry', failedId, '--reason', 'card updated', '--json');
      expect(retry.code).toBe(0);
      expect((JSON.parse(retry.out) as TaskJson).current_state).not.toBe('failed');
      const watched = await tasker('tasks', 'watch', failedId, '--json');
      const task = JSON.parse(watched.out) as TaskJson;
      expect(task.current_state).toBe('completed');
      expect(task.history.some((entry) => entry.reason === 'card updated')).toBe(true);
      const again = await tasker('tasks', 'retry', failedId);
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/only a failed task can be retried/);
    });

    it('tasks cancel cancels a failed task', async () => {
      const failedId = await failedTask();
      const cancel = await tasker('tasks', 'cancel', failedId, '--reason', 'customer left', '--json');
      expect(cancel.code).toBe(0);
      expect((JSON.parse(cancel.out) as TaskJson).current_state).toBe('cancelled');
    });

    it('workers lists the worker holding a running task; cancelling it goes through the worker that holds it', async () => {
      const run = await tasker('run', 'demo/hold', '--context', '{}');
      expect(run.code).toBe(0);
      const taskId = run.out.trim();
      await untilRunning(transport.worker, taskId);
      const workers = await tasker('workers', '--json');
      expect(workers.code).toBe(0);
      expect(JSON.parse(workers.out).workers).toContainEqual(
        expect.objectContaining({ worker_id: transport.worker.engine.workerId, leases: 1 }),
      );
      expect((await tasker('workers')).out).toMatch(
        /task.? waiting for a worker\nWORKER +LEASES +FIRST LEASE EXPIRES\n/,
      );
      const cancel = await tasker('tasks', 'cancel', taskId);
      if (transport.kind === 'store') {
        // The CLI claims the lease like any worker: refused while the worker holds it.
        expect(cancel.code).toBe(1);
        expect(cancel.err).toMatch(/being run by another worker.*tasker workers/);
      } else {
        expect(cancel.code).toBe(0);
        expect(cancel.out).toMatch(/\nstate {5}cancelled\n/);
      }
    });

    it('events follows the events of every worker as they come, and without --follow stops', async () => {
      let opened!: () => void;
      const open = new Promise<void>((resolve) => (opened = resolve));
      const following = runTasker(
        ['events', '--follow', '--type', 'task.*', '--limit', '2', '--json', ...transport.args],
        transport.env,
        (err) => err.includes('following events') && opened(),
      );
      await open;
      const run = await tasker('run', 'demo/flow', '--context', '{}');
      expect(run.code).toBe(0);
      const events = await following;
      expect(events.code).toBe(0);
      const lines = events.out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; task_name: string; task_id: string });
      expect(lines).toHaveLength(2);
      expect(lines.every((event) => event.type.startsWith('task.') && event.task_name === 'flow')).toBe(true);
      if (transport.kind === 'api') {
        // Without --follow, it stops once the stream is quiet.
        const quiet = await tasker('events', '--type', 'step.failed');
        expect(quiet).toMatchObject({ code: 0, out: '' });
        return;
      }
      // Over a store, without --follow it prints the events the log holds, oldest first, and stops.
      const taskId = run.out.trim();
      await transport.worker.engine.waitForTask(taskId, { timeoutMs: 10_000 });
      const logged = await tasker('events', '--type', 'task.*', '--json');
      expect(logged.code).toBe(0);
      const ofTask = logged.out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; task_id: string })
        .filter((event) => event.task_id === taskId)
        .map((event) => event.type);
      expect(ofTask).toEqual(['task.started', 'task.completed']);
      const human = await tasker('events', '--type', 'task.completed');
      expect(human.out).toContain(`task.completed  ${taskId} demo/flow`);
    });

    it('migrate migrates a store and is refused over the API', async () => {
      const migrate = await tasker('migrate', '--json');
      if (transport.kind === 'store') {
        expect(migrate.code).toBe(0);
        expect(JSON.parse(migrate.out)).toEqual({ applied: [] });
      } else {
        expect(migrate.code).toBe(2);
        expect(migrate.err).toMatch(/migrate needs --store/);
      }
    });

    it('refuses bad input as usage errors (exit 2) naming what is wrong', async () => {
      const state = await tasker('tasks', 'list', '--state', 'finished');
      expect(state.code).toBe(2);
      expect(state.err).toMatch(/unknown state finished; the states are pending, /);
      const context = await tasker('run', 'demo/flow', '--context', '[1]');
      expect(context.code).toBe(2);
      expect(context.err).toMatch(/--context.*must be a JSON object/);
      const deadline = await tasker('run', 'demo/flow', '--context', '{}', '--deadline-ms', '0');
      expect(deadline.code).toBe(2);
      expect(deadline.err).toMatch(/--deadline-ms.*expected a whole number of milliseconds, 1 or more/);
      const refused = await tasker('run', 'demo/flow', '--context', '{"decline":"yes"}');
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/decline/);
    });
  });
}
