/**
 * Parses the `--fault` option of the emulator's command line into a fault rule, so that faults
 * can be tried from a terminal as well as from tests.
 *
 *   KIND[,option=value...]
 *
 * KIND is an HTTP status (`429`, `503`, `401`), `reset`, `hang`, `invalid-json`, `html`,
 * `truncate`, `missing-field`, `oversize=BYTES` or `delay=MS`. Options: `endpoint=job|list|any`,
 * `times=N`, `probability=P` (0 to 1) and, for a status, `retry-after=VALUE`.
 */
import type { Fault, FaultRule } from './types.ts';

export const FAULT_SPEC_HELP = `KIND[,option=value...] where KIND is an HTTP status (429, 503...), reset, hang,
                      invalid-json, html, truncate, missing-field, oversize=BYTES or delay=MS, and
                      the options are endpoint=job|list|any, times=N, probability=P and, for a
                      status, retry-after=SECONDS`;

function positiveInteger(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

function parseKind(kind: string, argument: string | undefined): Fault {
  if (/^\d{3}$/.test(kind)) {
    const status = Number(kind);
    return { kind: 'status', status, body: JSON.stringify({ message: `emulated status ${status}` }) };
  }
  switch (kind) {
    case 'reset':
      return { kind: 'reset' };
    case 'hang':
      return { kind: 'hang' };
    case 'invalid-json':
      return { kind: 'body', body: '{"jobs": [', contentType: 'application/json' };
    case 'html':
      return { kind: 'body', body: '<!DOCTYPE html><html><body>Bad gateway</body></html>', contentType: 'text/html' };
    case 'truncate':
      return { kind: 'truncate' };
    case 'missing-field':
      return {
        kind: 'mutate',
        mutate: (body) => {
          if (typeof body === 'object' && body !== null) delete (body as Record<string, unknown>).jobStatus;
          if (typeof body === 'object' && body !== null) delete (body as Record<string, unknown>).total;
          return body;
        },
      };
    case 'oversize':
      return { kind: 'oversize', bytes: positiveInteger('oversize', argument ?? '') };
    case 'delay':
      return { kind: 'delay', ms: positiveInteger('delay', argument ?? '') };
    default:
      throw new Error(`unknown fault kind ${JSON.stringify(kind)}`);
  }
}

/** Parses one `--fault` value; throws an Error whose message names the part that is invalid. */
export function parseFaultSpec(spec: string): FaultRule {
  const [head = '', ...options] = spec.split(',').map((part) => part.trim());
  const [kind = '', argument] = head.split('=');
  const fault = parseKind(kind, argument);
  const rule: FaultRule = { fault };

  for (const option of options) {
    const [name = '', value = ''] = option.split('=');
    if (name === 'endpoint') {
      if (value !== 'job' && value !== 'list' && value !== 'any') {
        throw new Error(`endpoint must be job, list or any, got ${JSON.stringify(value)}`);
      }
      rule.endpoint = value;
    } else if (name === 'times') {
      rule.times = positiveInteger('times', value);
    } else if (name === 'probability') {
      const probability = Number(value);
      if (value === '' || !(probability >= 0 && probability <= 1)) {
        throw new Error(`probability must be a number from 0 to 1, got ${JSON.stringify(value)}`);
      }
      rule.probability = probability;
    } else if (name === 'retry-after') {
      if (fault.kind !== 'status') throw new Error('retry-after goes with an HTTP status fault only');
      fault.headers = { 'retry-after': value };
    } else {
      throw new Error(`unknown fault option ${JSON.stringify(name)}`);
    }
  }
  return rule;
}
