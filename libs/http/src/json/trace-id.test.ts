import { describe, expect, it } from 'vitest';
import { traceIdOf } from './trace-id.js';

describe('traceIdOf', () => {
  it('reads the trace id of a W3C traceparent, and null for none, a malformed one or the all-zero id', () => {
    expect(
      traceIdOf({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'v=1' }),
    ).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf(undefined)).toBeNull();
    expect(traceIdOf({ tracestate: 'v=1' })).toBeNull();
    expect(traceIdOf({ traceparent: '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01' })).toBeNull();
    expect(traceIdOf({ traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' })).toBeNull();
  });
});
