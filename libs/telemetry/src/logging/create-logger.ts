import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * A pino logger for Tasker: JSON lines, named `tasker`, errors under `err` with their stack. It fits the engine's
 * `logger` option as it is, and {@link logEngineEvents}.
 *
 * @example
 * const logger = createLogger({ level: 'info' });
 * const engine = createEngine({ logger });
 * logEngineEvents(engine, logger);
 */
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const settings: LoggerOptions = { name: 'tasker', ...options };
  return destination ? pino(settings, destination) : pino(settings);
}
