import { Command, CommanderError } from 'commander';
import { UsageError } from './cli-error.js';
import { eventsCommand } from './commands/events.js';
import { machinesCommand } from './commands/machines.js';
import { migrateCommand } from './commands/migrate.js';
import { purgeCommand } from './commands/purge.js';
import { runCommand } from './commands/run.js';
import { stepsCommand } from './commands/steps.js';
import { signalCommand } from './commands/signal.js';
import { tasksCommand } from './commands/tasks.js';
import { tokenCommand } from './commands/token.js';
import { validateCommand } from './commands/validate.js';
import { workersCommand } from './commands/workers.js';
import { processIo, type Io } from './io.js';

/** Exit codes: success, a failure of what was asked, a command line that cannot be run. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Commander's own codes that are not errors: help or the version was printed. */
const COMMANDER_SUCCESS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** Gives every command, nested ones included, the program's output and makes it throw rather than exit. */
function configureAll(command: Command, io: Io): void {
  command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  for (const sub of command.commands) configureAll(sub, io);
}

/**
 * The `tasker` command with all its subcommands. Each subcommand lives in `commands/` as a function that builds
 * it; add one there and register it here. `io` is where output goes and the environment read (the process's in
 * the binary, buffers in tests); a bare function stands for stdout alone. Errors are thrown (commander's as
 * `CommanderError`): {@link runCli} turns them into exit codes.
 */
export function createProgram(io: Partial<Io> | ((text: string) => void) = {}): Command {
  const full: Io = { ...processIo(), ...(typeof io === 'function' ? { out: io } : io) };
  const program = new Command('tasker')
    .description('Operator tools for Tasker, the durable workflow engine')
    .showHelpAfterError('(add --help for usage)')
    .addCommand(validateCommand(full))
    .addCommand(runCommand(full))
    .addCommand(tasksCommand(full))
    .addCommand(stepsCommand(full))
    .addCommand(signalCommand(full))
    .addCommand(eventsCommand(full))
    .addCommand(workersCommand(full))
    .addCommand(migrateCommand(full))
    .addCommand(purgeCommand(full))
    .addCommand(machinesCommand(full))
    .addCommand(tokenCommand(full));
  configureAll(program, full);
  return program;
}

/**
 * Runs `tasker` with `args` (without `node` and the script) and answers its exit code: 0 success, 1 failure (said
 * on stderr as `error: ...`), 2 usage (commander's own errors, a missing transport, a value that does not parse).
 */
export async function runCli(args: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    await createProgram(io).parseAsync([...args], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander said what was wrong already, on stderr.
      return COMMANDER_SUCCESS.has(error.code) ? EXIT.ok : EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`error: ${message}\n`);
    return error instanceof UsageError ? EXIT.usage : EXIT.failure;
  }
}
