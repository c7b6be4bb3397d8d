import { describe, expect, test } from 'vitest';
import { NotFoundError, createEngine, type Engine } from '@tasker/core';
import { parseTemplate, registerTemplates, semverResolver } from '../index.js';

function refund(namespace: string, version: string, handler = 'Refund'): string {
  return `name: process_refund\nnamespace_name: ${namespace}\nversion: ${version}\nstep_templates:\n  - name: refund\n    handler_class: ${handler}\n`;
}

function engineWith(...texts: string[]): Engine {
  const engine = createEngine({ resolveVersion: semverResolver });
  engine.registerHandler('Refund', () => ({})).registerHandler('Apologise', () => ({}));
  registerTemplates(
    engine,
    texts.map((text) => parseTemplate(text, { env: 'test' })),
  );
  return engine;
}

describe('semverResolver', () => {
  const versions = ['1.0.0', '1.2.0', '1.10.1', '2.0.0', '3.0.0-rc.1'];
  const engine = engineWith(...versions.map((version) => refund('payments', version)));
  const resolve = (version?: string) => engine.catalog.resolveTemplate('payments', 'process_refund', version).version;

  test('several versions of one template coexist and an exact version picks that one', () => {
    expect(resolve('1.2.0')).toBe('1.2.0');
    expect(resolve('3.0.0-rc.1')).toBe('3.0.0-rc.1');
  });

  test('a semver range picks the highest version within it', () => {
    expect(resolve('^1.0.0')).toBe('1.10.1');
    expect(resolve('~1.2')).toBe('1.2.0');
    expect(resolve('1.x')).toBe('1.10.1');
    expect(resolve('>=1.1.0 <2')).toBe('1.10.1');
    expect(resolve('>=2')).toBe('2.0.0');
  });

  test('no version, or latest, picks the latest release, not a pre-release', () => {
    expect(resolve()).toBe('2.0.0');
    expect(resolve('latest')).toBe('2.0.0');
  });

  test('a version or range that matches nothing is not found', () => {
    expect(() => resolve('1.3.0')).toThrow(NotFoundError);
    expect(() => resolve('^4')).toThrow('No template payments/process_refund@^4 is registered');
    expect(() => resolve('not a range')).toThrow(NotFoundError);
  });

  test('only pre-releases registered: the latest pre-release is taken', () => {
    expect(semverResolver(['2.0.0-alpha.1', '2.0.0-beta.2'], undefined)).toBe('2.0.0-beta.2');
  });

  test('the same name in two namespaces are two templates', async () => {
    const shared = engineWith(refund('payments', '1.0.0'), refund('customer_success', '1.0.0', 'Apologise'));
    await shared.start();

    const payments = await shared.runTask({
      namespace: 'payments',
      name: 'process_refund',
      version: '^1',
      context: {},
    });
    const support = await shared.runTask({ namespace: 'customer_success', name: 'process_refund', context: {} });

    expect((await shared.getTask(payments.taskId)).steps[0]?.handler).toBe('Refund');
    expect((await shared.getTask(support.taskId)).steps[0]?.handler).toBe('Apologise');
    await shared.stop({ gracePeriodMs: 0 });
  });
});
