import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { RedisServerProcess } from './redis-server-process.js';

const run = promisify(execFile);

/**
 * A Redis Cluster of the test run's own: three masters (no replicas) on free loopback ports, each a redis-server in
 * cluster mode, joined and given every slot by `redis-cli --cluster create`.
 */
export class RedisClusterProcesses {
  private constructor(readonly nodes: readonly RedisServerProcess[]) {}

  /** Starts the nodes and resolves once every node sees the cluster as ok. */
  static async started(masters = 3): Promise<RedisClusterProcesses> {
    const nodes = await Promise.all(Array.from({ length: masters }, () => RedisServerProcess.started('cluster-node')));
    const cluster = new RedisClusterProcesses(nodes);
    try {
      const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
      await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
      await cluster.#untilOk();
    } catch (error) {
      await cluster.dispose();
      throw error;
    }
    return cluster;
  }

  /** The store URL of the cluster: `redis+cluster://` and every node. */
  get url(): string {
    return `redis+cluster://${this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',')}`;
  }

  /** A client of the cluster, for a test's own checks. */
  client(): Cluster {
    return new Cluster(this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })));
  }

  async #untilOk(): Promise<void> {
    for (let tries = 0; tries < 200; tries++) {
      const states = await Promise.all(
        this.nodes.map(async (node) => (await run('redis-cli', ['-p', String(node.port), 'cluster', 'info'])).stdout),
      );
      if (states.every((info) => info.includes('cluster_state:ok'))) return;
      await sleep(50);
    }
    throw new Error('the Redis Cluster did not reach cluster_state:ok within 10 s');
  }

  /** Kills every node and deletes its data. */
  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.dispose()));
  }
}
