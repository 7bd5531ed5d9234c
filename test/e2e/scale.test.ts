/**
 * End-to-end tests of large windows and large jobs: windows of more jobs than one list call
 * returns, piles of jobs that share one createdAt, and a job that lists 1,000,000 failed IDs.
 */
import { readFile, rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { failedJobWithIds, sameTimestampPile, uniformJobs } from '../emulator/scenarios.ts';
import { startEmulator } from '../emulator/server.ts';
import type { Emulator, EmulatorOptions, ScriptedJob } from '../emulator/server.ts';
import { formatTimestamp } from '../emulator/timestamps.ts';
import { runAction } from './run-action.ts';
import type { RunActionResult } from './run-action.ts';

const API_KEY = 'scale-key-4Tq9wPz';
const INDEX_NAME = 'catalog-scale';
const HOUR_MS = 3_600_000;

const emulators: Emulator[] = [];
const runnerTemps: string[] = [];

afterAll(async () => {
  await Promise.all(emulators.map((emulator) => emulator.close()));
  await Promise.all(runnerTemps.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function startApi(jobs: ScriptedJob[], options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ apiKey: API_KEY, indexName: INDEX_NAME, jobs, ...options });
  emulators.push(emulator);
  return emulator;
}

async function runGate(emulator: Emulator, inputs: Record<string, string>): Promise<RunActionResult> {
  const run = await runAction({
    inputs: {
      'api-key': API_KEY,
      'index-name': INDEX_NAME,
      'base-url': emulator.baseUrl,
      'poll-interval': '1s',
      timeout: '2m',
      ...inputs,
    },
    timeoutMs: 60_000,
  });
  runnerTemps.push(run.runnerTemp);
  return run;
}

/** Log lines that are not workflow commands. */
function logLines(run: RunActionResult): string[] {
  return run.stdout.split(/\r?\n/).filter((line) => line !== '' && !line.startsWith('::'));
}

/** Messages of the `::error::` and `::warning::` commands, decoded. */
function annotations(run: RunActionResult, kind: 'error' | 'warning'): string[] {
  return run.commands
    .filter((line) => line.startsWith(`::${kind}`))
    .map((line) =>
      line
        .slice(line.indexOf('::', 2) + 2)
        .replace(/%0A/g, '\n')
        .replace(/%0D/g, '\r')
        .replace(/%25/g, '%'),
    );
}

function listRequests(emulator: Emulator): number {
  return emulator.requests.filter((request) => request.endpoint === 'list').length;
}

function jobIdsOutput(run: RunActionResult): string[] {
  return JSON.parse(run.outputs['job-ids'] ?? 'null') as string[];
}

/** Formats the time `minutesAgo` before now with microseconds, for a createdAt the emulator sends verbatim. */
function timestampMinutesAgo(minutesAgo: number): string {
  return formatTimestamp((Date.now() - minutesAgo * 60_000) * 1000 + 417);
}

describe.concurrent('large window', () => {
  it('reads 2,500 jobs in three list calls', async () => {
    const jobs = uniformJobs(2500, {
      seed: 3,
      createdFromMs: -20 * HOUR_MS,
      createdToMs: -60_000,
      finishFromMs: -30_000,
      idPrefix: 'bulk-',
    });
    const emulator = await startApi(jobs);

    const run = await runGate(emulator, { 'time-from': '21h' });

    expect(run.exitCode).toBe(0);
    expect(run.outputs.result).toBe('passed');
    const read = jobIdsOutput(run);
    expect(read).toHaveLength(2500);
    expect(new Set(read)).toEqual(new Set(jobs.map((job) => job.jobId)));
    expect(run.outputs['jobs-by-status']).toBe('{"COMPLETED":2500}');
    // Every job is terminal when the window is read, so each request belongs to the selection.
    expect(listRequests(emulator)).toBeLessThanOrEqual(3);
    expect(emulator.requests.filter((request) => request.endpoint === 'job')).toEqual([]);
    expect(logLines(run)).toContain('Read 2500 job(s) of the window in 3 list calls');
  });

  it('reads a same-createdAt pile larger than a page', async () => {
    const createdAt = timestampMinutesAgo(10);
    // The active jobs sort first among the jobs of the pile, so each poll reads them in one page.
    const active = sameTimestampPile(150, createdAt, { status: 'COMPLETED', finishMs: 1500, idPrefix: 'pile-active-' });
    active.slice(0, 100).forEach((job) => job.timeline.unshift({ atMs: -1000, status: 'IN_PROGRESS' }));
    const pile = [
      ...active,
      ...sameTimestampPile(150, createdAt, { status: 'CANCELLED', idPrefix: 'pile-cancelled-' }),
      ...sameTimestampPile(600, createdAt, { status: 'COMPLETED', idPrefix: 'pile-completed-' }),
      ...sameTimestampPile(200, createdAt, { status: 'CONFLICT', idPrefix: 'pile-conflict-' }),
      ...sameTimestampPile(400, createdAt, { status: 'FAILED', idPrefix: 'pile-failed-' }),
    ];
    const older = uniformJobs(400, {
      seed: 5,
      createdFromMs: -20 * HOUR_MS,
      createdToMs: -2 * HOUR_MS,
      finishFromMs: -HOUR_MS,
      idPrefix: 'older-',
    });
    const emulator = await startApi([...pile, ...older]);

    const run = await runGate(emulator, { 'time-from': '21h', 'fail-on-status': '' });

    expect(run.exitCode).toBe(0);
    expect(run.outputs.result).toBe('passed');
    const read = jobIdsOutput(run);
    expect(read).toHaveLength(1900);
    expect(new Set(read)).toEqual(new Set([...pile, ...older].map((job) => job.jobId)));
    expect(run.outputs['jobs-by-status']).toBe('{"COMPLETED":1150,"CANCELLED":150,"CONFLICT":200,"FAILED":400}');
    expect(logLines(run)).toContain(`1500 jobs share createdAt ${createdAt}; read them by status in 7 calls`);
    // The first page, the pile whole and by each of the six statuses, and the page below the pile.
    expect(logLines(run)).toContain('Read 1900 job(s) of the window in 9 list calls');
    const byStatus = emulator.requests.filter(
      (request) => request.endpoint === 'list' && request.query.status !== undefined,
    );
    expect(byStatus.map((request) => request.query.status).sort()).toEqual([
      'CANCELLED',
      'COMPLETED',
      'CONFLICT',
      'FAILED',
      'IN_PROGRESS',
      'PENDING',
    ]);
    expect(annotations(run, 'warning')).toEqual([]);
  });

  it('fails on a pile it cannot read whole', async () => {
    const createdAt = timestampMinutesAgo(15);
    const pile = sameTimestampPile(1200, createdAt, { status: 'FAILED', idPrefix: 'failed-' });
    const others = uniformJobs(100, {
      seed: 9,
      createdFromMs: -HOUR_MS,
      createdToMs: -60_000,
      finishFromMs: -30_000,
      idPrefix: 'done-',
    });
    const emulator = await startApi([...pile, ...others]);

    const run = await runGate(emulator, { 'time-from': '2h', status: 'FAILED' });

    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(jobIdsOutput(run)).toHaveLength(1000);
    expect(run.outputs['jobs-by-status']).toBe('{"FAILED":1000}');
    const [error] = annotations(run, 'error');
    expect(error).toContain('200 jobs of the window could not be read: 1200 jobs in the window, 1000 read');
    expect(annotations(run, 'warning')).toContain(
      '200 job(s) of the window could not be read: more jobs share one createdAt than the list endpoint returns in a call',
    );
    expect(run.summary).toContain('200 jobs of the window could not be read');
    expect(emulator.requests.every((request) => request.endpoint !== 'list' || request.query.status === 'FAILED')).toBe(
      true,
    );
    expect(listRequests(emulator)).toBeLessThanOrEqual(3);
  });
});

describe('large job', () => {
  it('reports 1,000,000 failed IDs', async () => {
    const ids = 1_000_000;
    const job = failedJobWithIds(ids, {
      jobId: 'million',
      documentId: (index) => `sku-${String(index).padStart(7, '0')}`,
    });
    const emulator = await startApi([job]);

    const run = await runGate(emulator, { 'job-id': 'million' });

    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.outputs['failed-items']).toBe(String(ids));
    const failedIds = JSON.parse(run.outputs['failed-item-ids'] ?? 'null') as string[];
    expect(failedIds).toHaveLength(1000);
    expect(failedIds[0]).toBe('sku-0000000');
    expect(failedIds[999]).toBe('sku-0000999');
    expect(Buffer.byteLength(run.summary, 'utf8')).toBeGreaterThan(0);
    expect(Buffer.byteLength(run.summary, 'utf8')).toBeLessThan(1024 * 1024);
    expect(run.summary).toMatch(/and [\d,]+ more IDs not shown/);
    const [error] = annotations(run, 'error');
    expect(error).toContain('failedItems 1000000 > max-failed-items 0');

    const report = JSON.parse(await readFile(run.outputs['report-path'] ?? '', 'utf8')) as {
      failedItems: { jobId: string; documentIds: string[] }[];
    };
    expect(report.failedItems).toHaveLength(1);
    expect(report.failedItems[0]?.jobId).toBe('million');
    expect(report.failedItems[0]?.documentIds).toHaveLength(ids);
    expect(report.failedItems[0]?.documentIds[ids - 1]).toBe('sku-0999999');
  }, 60_000);
});
