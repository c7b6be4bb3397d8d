import { Command } from 'commander';
import { machinesCommand } from './commands/machines.js';

/**
 * The `tasker` command with all its subcommands. Each subcommand lives in `commands/` as a function that builds
 * it; add one there and register it here. `write` is where output goes (stdout in the binary, a buffer in tests).
 */
export function createProgram(write: (text: string) => void = (text) => process.stdout.write(text)): Command {
  return new Command('tasker')
    .description('Operator tools for Tasker, the durable workflow engine')
    .configureOutput({ writeOut: write })
    .addCommand(machinesCommand(write));
}
