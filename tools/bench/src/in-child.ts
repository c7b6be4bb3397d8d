import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs the benchmark module at `moduleUrl` (its `import.meta.url`) again in a child process with `args`, and
 * resolves with the one message the child sends back. Each run gets a process of its own, so its peak RSS and JIT
 * state are its own.
 */
export function inChild<T>(moduleUrl: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = fork(fileURLToPath(moduleUrl), args, { execArgv: process.execArgv });
    worker.once('message', (message) => resolve(message as T));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`${args.join('/')} exited with ${code}`)));
  });
}
