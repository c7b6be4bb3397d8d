import type { Command } from 'commander';
import { UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { openApiClient } from './api-client.js';
import { openStoreClient } from './store-client.js';
import type { TaskerClient } from './tasker-client.js';

/** The options every command that reaches Tasker takes. */
export interface ConnectionOptions {
  store?: string;
  api?: string;
  token?: string;
  templates?: string;
}

/** Adds `--store`, `--api` and `--token` to a command. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option('--store <url>', 'open a store directly: postgres://..., redis://..., sqlite:<path> (env TASKER_STORE_URL)')
    .option(
      '--api <url>',
      'call a running REST API, where it is mounted, e.g. http://host:3000/tasker (env TASKER_API_URL)',
    )
    .option('--token <jwt>', 'the bearer token for --api (env TASKER_TOKEN; `tasker token` mints one)');
}

/** Adds `--templates` to a command that may need the YAML templates when it goes through a store. */
export function withTemplatesOption(command: Command): Command {
  return command.option('--templates <dir>', 'the YAML task templates, for a store (env TASKER_TEMPLATES_DIR)');
}

/** Which transport the options and the environment name; a flag wins over the environment. */
function chooseTransport(options: ConnectionOptions, env: Io['env']): { store: string } | { api: string } {
  if (options.store !== undefined && options.api !== undefined) {
    throw new UsageError('give either --store or --api, not both');
  }
  if (options.store !== undefined) return { store: options.store };
  if (options.api !== undefined) return { api: options.api };
  const store = env.TASKER_STORE_URL || undefined;
  const api = env.TASKER_API_URL || undefined;
  if (store !== undefined && api !== undefined) {
    throw new UsageError('TASKER_STORE_URL and TASKER_API_URL are both set: choose one with --store or --api');
  }
  if (store !== undefined) return { store };
  if (api !== undefined) return { api };
  throw new UsageError('where is Tasker? give --store <url> or --api <url> (or TASKER_STORE_URL, TASKER_API_URL)');
}

/**
 * Opens the transport the options name, runs `use` with it and closes it, whether `use` succeeds or not.
 * @throws UsageError when no transport or both are named, or `--api` comes without a token.
 */
export async function withClient<T>(
  options: ConnectionOptions,
  io: Io,
  use: (client: TaskerClient) => Promise<T>,
): Promise<T> {
  const transport = chooseTransport(options, io.env);
  let client: TaskerClient;
  if ('api' in transport) {
    const token = options.token ?? (io.env.TASKER_TOKEN || undefined);
    if (token === undefined) throw new UsageError('--api needs a token: give --token <jwt> or TASKER_TOKEN');
    client = openApiClient({
      url: transport.api,
      token,
      onStreamOpen: () => io.err(`following events of ${transport.api}\n`),
    });
  } else {
    const templatesDir = options.templates ?? (io.env.TASKER_TEMPLATES_DIR || undefined);
    client = await openStoreClient({
      url: transport.store,
      // The store's URL may hold a password: it is not repeated.
      onFollowing: () => io.err('following events of the store\n'),
      ...(templatesDir === undefined ? {} : { templatesDir }),
    });
  }
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}
