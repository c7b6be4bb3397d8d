import { describe, expect, it } from 'vitest';
import { clusterNodesOf } from './connect-client.js';

describe('redis+cluster:// URLs', () => {
  it('name the nodes to start from and the password, with or without a path and query', () => {
    expect(clusterNodesOf('redis+cluster://10.0.0.1:7000,cache-2:7001')).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'cache-2', port: 7001 },
      ],
    });
    expect(clusterNodesOf('redis+cluster://:s%40cret@a:7000/?x=1')).toEqual({
      nodes: [{ host: 'a', port: 7000 }],
      password: 's@cret',
    });
  });

  it('refuse a node without a port, naming it', () => {
    expect(() => clusterNodesOf('redis+cluster://a:7000,b')).toThrow("url: 'b' of redis+cluster: URL is no host:port");
  });
});
