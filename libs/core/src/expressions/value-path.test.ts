import { describe, expect, it } from 'vitest';
import { parseValuePath, readValuePath, valuePathProblem, ValuePathSyntaxError } from './value-path.js';

describe('value paths', () => {
  const context = { merchant_id: 'm-1', items: [{ sku: 'A' }, { sku: 'B' }], 'odd name': { x: 1 } };
  const results = { validate_cart: { recipients: ['a@x', 'b@x'] } };

  it('reads members, indexes and quoted names of the context', () => {
    expect(readValuePath(parseValuePath('$.context.merchant_id'), { context })).toBe('m-1');
    expect(readValuePath(parseValuePath('$.context.items[1].sku'), { context })).toBe('B');
    expect(readValuePath(parseValuePath("$.context['odd name'].x"), { context })).toBe(1);
  });

  it("reads a step's result and names the step", () => {
    const path = parseValuePath('$.results.validate_cart.recipients');
    expect(path).toMatchObject({ root: 'results', step: 'validate_cart', segments: ['recipients'] });
    expect(readValuePath(path, { context, results })).toEqual(['a@x', 'b@x']);
  });

  it('answers undefined for anything missing on the way', () => {
    expect(readValuePath(parseValuePath('$.context.items[5].sku'), { context })).toBeUndefined();
    expect(readValuePath(parseValuePath('$.context.merchant_id.deeper'), { context })).toBeUndefined();
    expect(readValuePath(parseValuePath('$.results.missing.x'), { context, results })).toBeUndefined();
  });

  it('refuses text outside the syntax with where it went wrong', () => {
    expect(() => parseValuePath('context.x')).toThrow(ValuePathSyntaxError);
    expect(valuePathProblem('$.context..x')).toMatch(/position 9/);
    expect(valuePathProblem('$.order.x')).toMatch(/must start with/);
    expect(valuePathProblem('$.results')).toMatch(/must name a step/);
    expect(valuePathProblem('$.results[0]')).toMatch(/must name a step/);
    expect(valuePathProblem(42)).toMatch(/must be a value path/);
    expect(valuePathProblem('$.context')).toBeUndefined();
  });
});
