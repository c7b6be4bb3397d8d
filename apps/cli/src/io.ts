/**
 * Where a command reads its environment and writes: stdout for results, stderr for diagnostics, so that `--json`
 * output stays valid JSON. The binary gives the process's own; tests give buffers.
 */
export interface Io {
  /** Results: what scripts read. */
  out(text: string): void;
  /** Diagnostics: errors, progress, hints. */
  err(text: string): void;
  /** Whether human output may use colours (a TTY, and `NO_COLOR` unset). */
  color: boolean;
  /** The environment variables the commands read (`TASKER_STORE_URL`, `TASKER_API_URL`, ...). */
  env: Readonly<Record<string, string | undefined>>;
}

/** The process's own streams and environment; colours only on a terminal, and never under `NO_COLOR`. */
export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
    env: process.env,
  };
}
