/** A failure the command reports in one line on stderr, exiting 1: the operator's request could not be done. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** A command line that cannot be run as written (a missing option, a value that does not parse): exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
