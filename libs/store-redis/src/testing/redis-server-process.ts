import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether `port` on loopback is free to listen on. */
async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port; for a cluster node, one whose cluster bus port (the port + 10000) is free too. Drawn at random from
 * 20000–55000 so that test runs at once on one machine rarely try the same.
 */
async function freePort(withBus: boolean): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 35_000);
    if ((await isFree(port)) && (!withBus || (await isFree(port + 10_000)))) return port;
  }
  throw new Error('no free TCP port to listen on');
}

/** How a {@link RedisServerProcess} keeps its data. */
export type RedisServerMode =
  /** Append-only file fsynced on every write, so nothing it acknowledged is lost across a kill. */
  | 'durable'
  /** A node of a Redis Cluster (see `RedisClusterProcesses`), keeping nothing on disk but its cluster config. */
  | 'cluster-node';

const MODE_ARGS: Record<RedisServerMode, (dir: string) => string[]> = {
  durable: () => ['--save', '', '--appendonly', 'yes', '--appendfsync', 'always'],
  'cluster-node': (dir) => [
    ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf')],
    ...['--save', '', '--appendonly', 'no'],
  ],
};

/**
 * A redis-server of a test's own, on a free port with its data in a temporary folder, that the test can kill and
 * start again with its data kept (in the default `durable` mode).
 */
export class RedisServerProcess {
  #process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly mode: RedisServerMode,
  ) {}

  static async create(mode: RedisServerMode = 'durable'): Promise<RedisServerProcess> {
    const port = await freePort(mode === 'cluster-node');
    return new RedisServerProcess(port, await mkdtemp(join(tmpdir(), 'tasker-redis-')), mode);
  }

  /** A server of its own, started. */
  static async started(mode: RedisServerMode = 'durable'): Promise<RedisServerProcess> {
    const server = await RedisServerProcess.create(mode);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#process !== undefined;
  }

  /** Starts the server and resolves once it accepts connections (after loading its append-only file). */
  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        ...['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--daemonize', 'no'],
        ...MODE_ARGS[this.mode](this.dir),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#process = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 5 s:\n${output}`)), 5_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });
  }

  /** Kills the server (SIGKILL by default: no goodbye, no final save) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#process;
    if (!child) return;
    this.#process = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill(signal);
    });
  }

  /** Kills the server if it runs and deletes its data. */
  async dispose(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}
