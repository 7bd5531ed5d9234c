/**
 * A catalog deploy of 40 jobs over about 20 seconds, watched while about a fifth of the responses
 * fail at random (seeded). Each faulty run must reach the verdict of the same run without faults,
 * in bounded time, without leaking the key.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Emulator, FaultRule, ScriptedJob } from '../emulator/server.ts';
import type { RunActionResult } from './run-action.ts';
import { API_KEY, expectVerdict, OUTPUT_NAMES, readReport, Resources, retryLines } from './resilience-helpers.ts';

const resources = new Resources();
afterAll(() => resources.cleanUp());

const JOB_COUNT = 40;

/** Builds 40 jobs that exist from the start and finish one after another over about 19 s. */
function deploy(): ScriptedJob[] {
  return Array.from({ length: JOB_COUNT }, (_, i): ScriptedJob => {
    const id = `deploy-${String(i).padStart(2, '0')}`;
    const scripted: ScriptedJob = {
      jobId: id,
      createdAtMs: -60_000 + i * 100,
      totalItems: 50,
      timeline: [
        { atMs: 0, status: 'PENDING' },
        { atMs: 400 + i * 400, status: 'IN_PROGRESS' },
        { atMs: 1500 + i * 450, status: 'COMPLETED' },
      ],
    };
    const last = scripted.timeline[2] as { status: string };
    if (i % 10 === 3) {
      last.status = 'FAILED';
      scripted.final = {
        errorMessage: '2 documents failed validation',
        failedItemsDetails: { invalid_field_value: [`${id}-sku-1`, `${id}-sku-2`] },
      };
    } else if (i === 17) {
      last.status = 'CONFLICT';
      scripted.final = {
        conflictDetails: { version_conflict: [{ documentId: `${id}-sku-9`, conflictingJobId: 'deploy-16' }] },
      };
    } else if (i % 13 === 5) {
      scripted.final = { skippedItemsDetails: { unchanged_document: [`${id}-sku-4`] } };
    }
    return scripted;
  });
}

// Five rules of 4.5% each: about one response in five is faulty.
const FAULTS: FaultRule[] = [
  { fault: { kind: 'status', status: 500 }, probability: 0.045 },
  { fault: { kind: 'status', status: 503 }, probability: 0.045 },
  { fault: { kind: 'status', status: 429, headers: { 'Retry-After': '1' } }, probability: 0.045 },
  { fault: { kind: 'reset' }, probability: 0.045 },
  { fault: { kind: 'body', body: '{"jobs": [' }, probability: 0.045 },
];

const THRESHOLDS = { 'max-failed-items': '2%', 'max-conflict-items': '1', timeout: '60s', 'poll-interval': '1s' };
const VERDICT_OUTPUTS = OUTPUT_NAMES.filter((name) => name !== 'report-path');

async function watch(
  mode: 'ids' | 'window',
  seed: number | null,
): Promise<{ result: RunActionResult; emulator: Emulator }> {
  const emulator = await resources.emulator({ jobs: deploy(), seed: seed ?? 1 });
  if (seed !== null) for (const rule of FAULTS) emulator.addFault(rule);
  const selection: Record<string, string> =
    mode === 'ids'
      ? {
          'job-id': deploy()
            .map((scripted) => scripted.jobId)
            .join(','),
        }
      : { 'time-from': '1h' };
  const result = await resources.run({ ...selection, ...THRESHOLDS, 'base-url': emulator.baseUrl });
  return { result, emulator };
}

describe('soak', () => {
  it('reaches the fault-free verdict under random faults', async () => {
    const runs = await Promise.all([
      watch('ids', null),
      watch('window', null),
      watch('ids', 7),
      watch('window', 11),
      watch('ids', 23),
      watch('window', 29),
      watch('ids', 31),
      watch('window', 37),
      watch('ids', 41),
      watch('window', 43),
    ]);
    const [cleanIds, cleanWindow, ...faulty] = runs;

    for (const { result } of [cleanIds, cleanWindow]) {
      expectVerdict(result, 'passed');
      expect(result.outputs['failed-items']).toBe('8');
      expect(result.outputs['conflict-items']).toBe('1');
      expect(result.outputs['skipped-items']).toBe('3');
      expect(result.outputs['jobs-by-status']).toBe('{"COMPLETED":35,"FAILED":4,"CONFLICT":1}');
      expect(retryLines(result)).toEqual([]);
    }

    let requests = 0;
    let faults = 0;
    let polls = 0;
    for (const [i, { result, emulator }] of faulty.entries()) {
      const clean = i % 2 === 1 ? cleanWindow : cleanIds;
      expectVerdict(result, 'passed');
      for (const name of VERDICT_OUTPUTS)
        expect(result.outputs[name], `${name} of faulty run ${i}`).toBe(clean.result.outputs[name]);
      const report = await readReport(result);
      polls += report.polls as number;
      expect(report.totals).toEqual((await readReport(clean.result)).totals);

      // The last job finishes at about 19 s. Faults may add a few seconds, not a timeout's worth.
      expect(result.durationMs).toBeLessThan(clean.result.durationMs + 15_000);
      expect(result.durationMs).toBeLessThan(45_000);

      const faulted = emulator.requests.filter((request) => request.fault !== undefined).length;
      requests += emulator.requests.length;
      faults += faulted;
      // Every faulty response was retried, and each retry logged with its attempt number.
      expect(retryLines(result)).toHaveLength(faulted);

      const lines = result.stdout.split('\n');
      expect(lines.filter((line) => line.includes(API_KEY))).toEqual([`::add-mask::${API_KEY}`]);
      expect(result.summary).not.toContain(API_KEY);
      expect(result.stderr).toBe('');
    }

    // A poll of many jobs is one list request, and retries make polls longer, so the eight
    // faulty runs make about 70 polls, but over 300 requests.
    expect(polls).toBeGreaterThanOrEqual(50);
    expect(requests).toBeGreaterThanOrEqual(250);
    expect(faults / requests).toBeGreaterThan(0.1);
    expect(faults / requests).toBeLessThan(0.35);
  }, 90_000);
});
