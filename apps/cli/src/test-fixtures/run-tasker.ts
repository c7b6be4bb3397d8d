import { runCli } from '../program.js';

/** What one run of `tasker` did. */
export interface TaskerRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs `tasker ...args` in this process, with `env` as its whole environment and no colours, and answers its exit
 * code and what it wrote on stdout and stderr. `onErr` sees stderr as it is written.
 */
export async function runTasker(
  args: readonly string[],
  env: Record<string, string> = {},
  onErr: (text: string) => void = () => undefined,
): Promise<TaskerRun> {
  const run = { out: '', err: '' };
  const code = await runCli(args, {
    out: (text) => (run.out += text),
    err: (text) => {
      run.err += text;
      onErr(run.err);
    },
    color: false,
    env,
  });
  return { code, ...run };
}
