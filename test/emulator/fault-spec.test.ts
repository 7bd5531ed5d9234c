import { describe, expect, it } from 'vitest';
import { parseFaultSpec } from './fault-spec.ts';

describe('parseFaultSpec', () => {
  it('reads a status with Retry-After', () => {
    const rule = parseFaultSpec('429,retry-after=2,times=3,endpoint=list');

    expect(rule.fault).toMatchObject({ kind: 'status', status: 429, headers: { 'retry-after': '2' } });
    expect(rule.times).toBe(3);
    expect(rule.endpoint).toBe('list');
  });

  it('reads a probability', () => {
    expect(parseFaultSpec('reset,probability=0.2')).toEqual({ fault: { kind: 'reset' }, probability: 0.2 });
  });

  it.each([
    ['hang', 'hang'],
    ['invalid-json', 'body'],
    ['html', 'body'],
    ['truncate', 'truncate'],
    ['missing-field', 'mutate'],
    ['oversize=300000000', 'oversize'],
    ['delay=1500', 'delay'],
  ])('reads the kind %s', (spec, kind) => {
    expect(parseFaultSpec(spec).fault.kind).toBe(kind);
  });

  it('drops the named fields for missing-field', () => {
    const { fault } = parseFaultSpec('missing-field');
    if (fault.kind !== 'mutate') throw new Error(`expected a mutate fault, got ${fault.kind}`);

    expect(fault.mutate({ jobId: 'a', jobStatus: 'COMPLETED' })).toEqual({ jobId: 'a' });
  });

  it.each([
    ['bogus', 'unknown fault kind "bogus"'],
    ['oversize', 'oversize must be a whole number'],
    ['503,times=two', 'times must be a whole number'],
    ['503,probability=2', 'probability must be a number from 0 to 1'],
    ['503,endpoint=all', 'endpoint must be job, list or any'],
    ['reset,retry-after=1', 'retry-after goes with an HTTP status fault only'],
    ['503,colour=red', 'unknown fault option "colour"'],
  ])('rejects %s', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});
