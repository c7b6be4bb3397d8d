/** Structured fields of a log line. */
export type LogFields = Record<string, unknown>;

/**
 * The logging port: pino's shape, so a pino logger can be passed as it is. `child` binds fields (task id, step,
 * attempt, correlation id) to every line of the returned logger.
 */
export interface Logger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
  child(fields: LogFields): Logger;
}

/** A logger that drops everything: the default, so an embedded engine prints nothing unless asked to. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
