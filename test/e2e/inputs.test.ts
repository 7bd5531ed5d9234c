/**
 * End-to-end tests of each input: dist/index.js runs as the GitHub runner runs it, against the
 * Marqo jobs API emulator on 127.0.0.1.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { failedJobWithIds } from '../emulator/scenarios.ts';
import type { ScriptedJob } from '../emulator/server.ts';
import {
  API_KEY,
  HEADINGS,
  INDEX_NAME,
  cleanUp,
  endlessJob,
  expectOutputs,
  errorMessages,
  failureMessage,
  finishedJob,
  jobEndingAt,
  jobRequests,
  logLines,
  maxGapMs,
  msSinceFirstRequest,
  readReport,
  runGate,
  startApi,
  summaryHeading,
  summaryText,
} from './fixtures.ts';

afterAll(cleanUp);

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Parses a timestamp the action sent, such as `2026-03-02T09:15:04.120000+00:00`, to epoch ms. */
function sentAt(text: string | undefined): number {
  return Date.parse(text ?? '');
}

describe.concurrent('api-key', () => {
  it('sent as Bearer token', async () => {
    const emulator = await startApi({
      jobs: [jobEndingAt('job-a', 1_500), jobEndingAt('job-b', 2_000, 'COMPLETED', { createdAtMs: -4_500 })],
    });
    const run = await runGate(emulator);

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'passed',
      jobIds: ['job-b', 'job-a'],
      jobsByStatus: { COMPLETED: 2 },
      totalItems: 100,
      processedItems: 100,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    const requests = jobRequests(emulator);
    expect(requests.length).toBeGreaterThan(1);
    for (const request of requests) {
      expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(request.status).toBe(200);
    }
  });

  it('masked in log, summary, outputs and report', async () => {
    // The API echoes the key in an error body and in a job's errorMessage, as a careless proxy or
    // service might. Neither may bring it back into anything the action writes.
    const echoed = `upstream rejected Bearer ${API_KEY}`;
    const emulator = await startApi({
      jobs: [finishedJob('job-a', 'FAILED', { final: { errorMessage: echoed, processedItems: 20 } })],
    });
    emulator.addFault({
      endpoint: 'job',
      times: 1,
      fault: { kind: 'status', status: 503, body: JSON.stringify({ message: echoed }) },
    });
    const run = await runGate(emulator, { 'job-id': 'job-a' });

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, {
      result: 'failed',
      jobIds: ['job-a'],
      jobsByStatus: { FAILED: 1 },
      totalItems: 50,
      processedItems: 20,
      failedItems: 30,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.failed);

    expect(logLines(run)[0]).toBe(`::add-mask::${API_KEY}`);
    expect(run.stdout.split(API_KEY).length - 1).toBe(1);
    expect(run.stdout).toMatch(/Retrying GET \S+ in .*status 503 \(upstream rejected Bearer \*\*\*\)/);
    expect(run.stderr).not.toContain(API_KEY);
    expect(run.summary).not.toContain(API_KEY);
    expect(summaryText(run)).toContain('upstream rejected Bearer ***');
    for (const value of Object.values(run.outputs)) expect(value).not.toContain(API_KEY);
    const { text, report } = await readReport(run);
    expect(text).not.toContain(API_KEY);
    expect(report.jobs[0]?.job?.errorMessage).toBe('upstream rejected Bearer ***');
  });
});

describe.concurrent('index-name', () => {
  it('requests go to that index', async () => {
    const emulator = await startApi({ indexName: 'catalog-prod-eu', jobs: [finishedJob('job-a')] });
    const run = await runGate(emulator, { 'index-name': 'catalog-prod-eu', 'job-id': 'job-a' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'passed',
      jobIds: ['job-a'],
      jobsByStatus: { COMPLETED: 1 },
      totalItems: 50,
      processedItems: 50,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(summaryText(run)).toContain('Index <code>catalog-prod-eu</code>');
    expect(jobRequests(emulator).map((request) => request.path)).toEqual([
      '/api/v1/indexes/catalog-prod-eu/jobs/job-a',
    ]);
  });

  it('percent-encodes odd names', async () => {
    const indexName = 'cat/alog x';
    const emulator = await startApi({ indexName, jobs: [jobEndingAt('job-a', 1_500)] });
    const run = await runGate(emulator, { 'index-name': indexName });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'passed',
      jobIds: ['job-a'],
      jobsByStatus: { COMPLETED: 1 },
      totalItems: 50,
      processedItems: 50,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(summaryText(run)).toContain('Index <code>cat/alog x</code>');

    // The window is listed first, then the one active job is read until it completes.
    const requests = jobRequests(emulator);
    expect(requests[0]?.path).toBe('/api/v1/indexes/cat%2Falog%20x/jobs');
    expect(requests.slice(1).length).toBeGreaterThan(0);
    for (const request of requests.slice(1)) expect(request.path).toBe('/api/v1/indexes/cat%2Falog%20x/jobs/job-a');
    for (const request of requests) {
      expect(request.indexName).toBe(indexName);
      expect(request.status).toBe(200);
    }
  });
});

describe.concurrent('job-id', () => {
  const jobs: ScriptedJob[] = [
    finishedJob('job-a', 'COMPLETED', { totalItems: 50 }),
    finishedJob('job-b', 'COMPLETED', { totalItems: 30 }),
    finishedJob('job-c', 'COMPLETED', { totalItems: 20 }),
  ];
  const itemsOf = (ids: string[]): number =>
    ids.reduce((sum, id) => sum + (jobs.find((job) => job.jobId === id)?.totalItems ?? 0), 0);

  it.each([
    { form: 'comma separated', text: 'job-a,job-b, job-c', ids: ['job-a', 'job-b', 'job-c'] },
    { form: 'space separated', text: 'job-a job-b  job-c', ids: ['job-a', 'job-b', 'job-c'] },
    { form: 'newline separated', text: 'job-a\njob-b\r\njob-c\n', ids: ['job-a', 'job-b', 'job-c'] },
    { form: 'documents call body', text: '{"jobId": "job-b"}', ids: ['job-b'] },
    { form: 'JSON array of IDs', text: '["job-a", "job-c"]', ids: ['job-a', 'job-c'] },
    { form: 'JSON array of bodies', text: '[{"jobId": "job-c"}, {"jobId": "job-a"}]', ids: ['job-c', 'job-a'] },
    {
      form: 'pretty-printed JSON',
      text: '[\n  {\n    "jobId": "job-b"\n  },\n  {\n    "jobId": "job-c"\n  }\n]\n',
      ids: ['job-b', 'job-c'],
    },
    { form: 'duplicates', text: 'job-a,job-b\njob-a job-b,job-c', ids: ['job-a', 'job-b', 'job-c'] },
  ])('accepts $form', async ({ text, ids }) => {
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'job-id': text });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'passed',
      jobIds: ids,
      jobsByStatus: { COMPLETED: ids.length },
      totalItems: itemsOf(ids),
      processedItems: itemsOf(ids),
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(summaryText(run)).toContain(
      `Watched ${ids.length} job ID${ids.length === 1 ? '' : 's'} given in \`job-id\``,
    );

    // Each job is read once: the jobs are terminal at the first read, so there is no list call.
    const requests = jobRequests(emulator);
    expect(requests.every((request) => request.endpoint === 'job')).toBe(true);
    expect(requests.map((request) => request.jobId).sort()).toEqual([...ids].sort());
  });
});

describe.concurrent('time window', () => {
  const jobs: ScriptedJob[] = [
    finishedJob('job-3h', 'COMPLETED', { createdAtMs: -3 * HOUR_MS, totalItems: 10 }),
    finishedJob('job-50m', 'COMPLETED', { createdAtMs: -50 * MINUTE_MS, totalItems: 20 }),
    finishedJob('job-10m', 'COMPLETED', { createdAtMs: -10 * MINUTE_MS, totalItems: 40 }),
  ];
  const passedWith = (jobIds: string[], items: number) => ({
    result: 'passed',
    jobIds,
    jobsByStatus: { COMPLETED: jobIds.length },
    totalItems: items,
    processedItems: items,
    failedItems: 0,
    skippedItems: 0,
    conflictItems: 0,
    failedItemIds: [],
    report: true,
    commentUrl: '',
  });

  it('time-from as duration', async () => {
    const emulator = await startApi({ jobs });
    const before = Date.now();
    const run = await runGate(emulator, { 'time-from': '1h' });
    const after = Date.now();

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, passedWith(['job-10m', 'job-50m'], 60));
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(summaryText(run)).toContain('the service counted 2 jobs');

    const requests = jobRequests(emulator);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.endpoint).toBe('list');
    expect(sentAt(requests[0]?.query.timeFrom)).toBeGreaterThanOrEqual(before - HOUR_MS);
    expect(sentAt(requests[0]?.query.timeFrom)).toBeLessThanOrEqual(after - HOUR_MS);
    expect(requests[0]?.query.timeTo).toBeUndefined();
  });

  it('time-from as ISO timestamp', async () => {
    const emulator = await startApi({ jobs });
    const timeFrom = new Date(Date.now() - 55 * MINUTE_MS).toISOString();
    const run = await runGate(emulator, { 'time-from': timeFrom });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, passedWith(['job-10m', 'job-50m'], 60));
    expect(summaryHeading(run)).toBe(HEADINGS.passed);

    const requests = jobRequests(emulator);
    expect(requests).toHaveLength(1);
    expect(sentAt(requests[0]?.query.timeFrom)).toBe(Date.parse(timeFrom));
  });

  it('time-to as duration', async () => {
    const emulator = await startApi({ jobs });
    const before = Date.now();
    const run = await runGate(emulator, { 'time-from': '4h', 'time-to': '30m' });
    const after = Date.now();

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, passedWith(['job-50m', 'job-3h'], 30));
    expect(summaryHeading(run)).toBe(HEADINGS.passed);

    const requests = jobRequests(emulator);
    expect(requests).toHaveLength(1);
    expect(sentAt(requests[0]?.query.timeTo)).toBeGreaterThanOrEqual(before - 30 * MINUTE_MS);
    expect(sentAt(requests[0]?.query.timeTo)).toBeLessThanOrEqual(after - 30 * MINUTE_MS);
  });

  it('time-to as ISO timestamp', async () => {
    const emulator = await startApi({ jobs });
    const timeTo = new Date(Date.now() - 30 * MINUTE_MS).toISOString();
    const run = await runGate(emulator, { 'time-from': '4h', 'time-to': timeTo });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, passedWith(['job-50m', 'job-3h'], 30));
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(sentAt(jobRequests(emulator)[0]?.query.timeTo)).toBe(Date.parse(timeTo));
  });

  it('status filters the window', async () => {
    const emulator = await startApi({
      jobs: [
        finishedJob('ok-1', 'COMPLETED', { createdAtMs: -3 * MINUTE_MS }),
        finishedJob('bad-1', 'FAILED', {
          createdAtMs: -2 * MINUTE_MS,
          final: { failedItemsDetails: { invalid_field_value: ['sku-1', 'sku-2'] } },
        }),
        finishedJob('ok-2', 'COMPLETED', { createdAtMs: -1 * MINUTE_MS }),
      ],
    });
    const run = await runGate(emulator, { status: 'failed', 'max-failed-items': '2' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'passed',
      jobIds: ['bad-1'],
      jobsByStatus: { FAILED: 1 },
      totalItems: 50,
      processedItems: 48,
      failedItems: 2,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: ['sku-1', 'sku-2'],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(summaryText(run)).toContain(', status FAILED; the service counted 1 job.');
    expect(jobRequests(emulator).map((request) => request.query.status)).toEqual(['FAILED']);
  });
});

describe.concurrent('wait', () => {
  it('true polls until terminal', async () => {
    const emulator = await startApi({
      jobs: [jobEndingAt('run-1', 1_500), jobEndingAt('run-2', 2_500, 'COMPLETED', { createdAtMs: -4_500 })],
    });
    const run = await runGate(emulator, { wait: 'true' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'passed',
      jobIds: ['run-2', 'run-1'],
      jobsByStatus: { COMPLETED: 2 },
      totalItems: 100,
      processedItems: 100,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(jobRequests(emulator).length).toBeGreaterThan(2);
    expect(run.durationMs).toBeGreaterThan(2_000);
  });

  it('false takes one snapshot', async () => {
    const emulator = await startApi({ jobs: [endlessJob('run-1'), endlessJob('run-2', { createdAtMs: -4_500 })] });
    const run = await runGate(emulator, { wait: 'false' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'pending',
      jobIds: ['run-2', 'run-1'],
      jobsByStatus: { IN_PROGRESS: 2 },
      totalItems: 100,
      processedItems: 40,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.pending);
    expect(summaryText(run)).toContain('2 jobs still active (wait is false)');
    const requests = jobRequests(emulator);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.endpoint).toBe('list');
  });
});

describe.concurrent('timeout', () => {
  it('ends the wait at the deadline', async () => {
    const emulator = await startApi({ jobs: [endlessJob('run-1')] });
    const run = await runGate(emulator, { 'job-id': 'run-1', timeout: '2s' });
    const runTimeMs = msSinceFirstRequest(emulator);

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, {
      result: 'timed-out',
      jobIds: ['run-1'],
      jobsByStatus: { IN_PROGRESS: 1 },
      totalItems: 50,
      processedItems: 20,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS['timed-out']);
    expect(summaryText(run)).toContain('- 1 job still active when the timeout of 2 s passed: run-1 (IN_PROGRESS)');
    // The deadline counts from the start of the action, a little before its first request.
    expect(run.durationMs).toBeGreaterThanOrEqual(2_000);
    expect(runTimeMs).toBeLessThan(2_000 + 1_500);
    // One read at the start, then about one a second, and none in a burst before the deadline.
    expect(jobRequests(emulator).length).toBeGreaterThanOrEqual(2);
    expect(jobRequests(emulator).length).toBeLessThanOrEqual(5);
  });
});

describe('poll-interval', () => {
  it('bounds the pause between polls', async () => {
    // Progress stays at 40%, so no end estimate shortens the pauses: they grow 1 s, 1.5 s, 2 s
    // and then stay at the poll interval until the job completes at 5 s.
    const job = jobEndingAt('slow-1', 5_000, 'COMPLETED', {
      timeline: [
        { atMs: -4_000, status: 'IN_PROGRESS', progressPercentage: 40 },
        { atMs: 5_000, status: 'COMPLETED' },
      ],
    });
    const emulator = await startApi({ jobs: [job] });
    const run = await runGate(emulator, { 'job-id': 'slow-1', 'poll-interval': '2s' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'passed',
      jobIds: ['slow-1'],
      jobsByStatus: { COMPLETED: 1 },
      totalItems: 50,
      processedItems: 50,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(summaryText(run)).toContain('poll interval up to 2 s');

    const requests = jobRequests(emulator);
    expect(requests.length).toBeGreaterThanOrEqual(4);
    // The margin covers the request itself and timer lag on a loaded machine.
    expect(maxGapMs(requests)).toBeLessThanOrEqual(2_000 + 600);
    expect(maxGapMs(requests)).toBeGreaterThanOrEqual(1_900);
  });
});

describe.concurrent('max-failed-items', () => {
  // 5 failed of 200 items: 2.5%.
  const jobs = [
    finishedJob('job-ok', 'COMPLETED', { totalItems: 100 }),
    failedJobWithIds(5, { jobId: 'job-bad', totalItems: 100 }),
  ];
  const outputsFor = (result: string) => ({
    result,
    jobIds: ['job-ok', 'job-bad'],
    jobsByStatus: { COMPLETED: 1, FAILED: 1 },
    totalItems: 200,
    processedItems: 195,
    failedItems: 5,
    skippedItems: 0,
    conflictItems: 0,
    failedItemIds: ['sku-0', 'sku-1', 'sku-2', 'sku-3', 'sku-4'],
    report: true,
    commentUrl: '',
  });

  it('count at the limit passes', async () => {
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'job-id': 'job-ok,job-bad', 'max-failed-items': '5' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, outputsFor('passed'));
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(summaryText(run)).toContain('| `max-failed-items` | 5 | 5 | ✅ |');
  });

  it('count over the limit fails', async () => {
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'job-id': 'job-ok,job-bad', 'max-failed-items': '4' });

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, outputsFor('failed'));
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    expect(failureMessage(run)).toBe('Marqo jobs failed: 1 reason\n- failedItems 5 > max-failed-items 4');
    expect(summaryText(run)).toContain('- failedItems 5 > max-failed-items 4');
    expect(summaryText(run)).toContain('| `max-failed-items` | 4 | 5 | ❌ exceeded |');
  });

  it('percentage at the limit passes', async () => {
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'job-id': 'job-ok,job-bad', 'max-failed-items': '2.5%' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, outputsFor('passed'));
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(summaryText(run)).toContain('| `max-failed-items` | 2.5% (5 items) | 5 | ✅ |');
  });

  it('percentage over the limit fails', async () => {
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'job-id': 'job-ok,job-bad', 'max-failed-items': '2%' });

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, outputsFor('failed'));
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    const reason = 'failedItems 5 (2.50% of 200 items) > max-failed-items 2% (4 items)';
    expect(failureMessage(run)).toBe(`Marqo jobs failed: 1 reason\n- ${reason}`);
    expect(summaryText(run)).toContain(`- ${reason}`);
  });
});

describe.concurrent('max-conflict-items', () => {
  const conflicts = ['sku-7', 'sku-8', 'sku-9'].map((documentId) => ({
    documentId,
    conflictingJobId: 'job-ok',
    message: 'modified by job-ok',
  }));
  const jobs = [
    finishedJob('job-ok', 'COMPLETED', { totalItems: 40 }),
    finishedJob('job-conflict', 'CONFLICT', {
      totalItems: 60,
      final: { conflictDetails: { version_conflict: conflicts } },
    }),
  ];
  const outputsFor = (result: string) => ({
    result,
    jobIds: ['job-ok', 'job-conflict'],
    jobsByStatus: { COMPLETED: 1, CONFLICT: 1 },
    totalItems: 100,
    processedItems: 97,
    failedItems: 0,
    skippedItems: 0,
    conflictItems: 3,
    failedItemIds: [],
    report: true,
    commentUrl: '',
  });

  it('default 0 fails on a conflict', async () => {
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'job-id': 'job-ok,job-conflict' });

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, outputsFor('failed'));
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    expect(failureMessage(run)).toBe('Marqo jobs failed: 1 reason\n- conflictItems 3 > max-conflict-items 0');
  });

  it('count at the limit passes', async () => {
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'job-id': 'job-ok,job-conflict', 'max-conflict-items': '3' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, outputsFor('passed'));
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(summaryText(run)).toContain('| `max-conflict-items` | 3 | 3 | ✅ |');
  });

  it('percentage over the limit fails', async () => {
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'job-id': 'job-ok,job-conflict', 'max-conflict-items': '2%' });

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, outputsFor('failed'));
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    expect(failureMessage(run)).toContain('- conflictItems 3 (3.00% of 100 items) > max-conflict-items 2% (2 items)');
  });
});

describe.concurrent('max-skipped-items', () => {
  const jobs = [
    finishedJob('job-skip', 'COMPLETED', {
      final: { skippedItemsDetails: { unchanged_document: ['sku-1', 'sku-2', 'sku-3', 'sku-4'] } },
    }),
  ];
  const outputsFor = (result: string) => ({
    result,
    jobIds: ['job-skip'],
    jobsByStatus: { COMPLETED: 1 },
    totalItems: 50,
    processedItems: 46,
    failedItems: 0,
    skippedItems: 4,
    conflictItems: 0,
    failedItemIds: [],
    report: true,
    commentUrl: '',
  });

  it('empty sets no limit', async () => {
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'job-id': 'job-skip', 'max-skipped-items': '' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, outputsFor('passed'));
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(summaryText(run)).toContain('| `max-skipped-items` | no limit | 4 | ✅ |');
  });

  it('count over the limit fails', async () => {
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'job-id': 'job-skip', 'max-skipped-items': '3' });

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, outputsFor('failed'));
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    expect(failureMessage(run)).toBe('Marqo jobs failed: 1 reason\n- skippedItems 4 > max-skipped-items 3');
  });
});

describe.concurrent('fail-on-status', () => {
  const jobs = [
    finishedJob('job-done'),
    finishedJob('job-cancelled', 'CANCELLED', { final: { processedItems: 10 } }),
    finishedJob('job-failed', 'FAILED', { final: { failedItemsDetails: { invalid_field_value: ['sku-9'] } } }),
  ];
  const jobIdText = 'job-done,job-cancelled,job-failed';
  const outputsFor = (result: string) => ({
    result,
    jobIds: ['job-done', 'job-cancelled', 'job-failed'],
    jobsByStatus: { COMPLETED: 1, CANCELLED: 1, FAILED: 1 },
    totalItems: 150,
    processedItems: 109,
    failedItems: 1,
    skippedItems: 0,
    conflictItems: 0,
    failedItemIds: ['sku-9'],
    report: true,
    commentUrl: '',
  });

  it('default fails on CANCELLED', async () => {
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'job-id': jobIdText, 'max-failed-items': '10' });

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, outputsFor('failed'));
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    expect(failureMessage(run)).toBe(
      'Marqo jobs failed: 1 reason\n- 1 job ended CANCELLED, which fail-on-status lists: job-cancelled',
    );
    expect(summaryText(run)).toContain('| `fail-on-status` | CANCELLED | | |');
  });

  it('FAILED fails on FAILED only', async () => {
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'job-id': jobIdText, 'max-failed-items': '10', 'fail-on-status': 'FAILED' });

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, outputsFor('failed'));
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    expect(failureMessage(run)).toBe(
      'Marqo jobs failed: 1 reason\n- 1 job ended FAILED, which fail-on-status lists: job-failed',
    );
    expect(summaryText(run)).toContain('| `fail-on-status` | FAILED | | |');
  });

  it('empty fails on no status', async () => {
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'job-id': jobIdText, 'max-failed-items': '10', 'fail-on-status': '' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, outputsFor('passed'));
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(summaryText(run)).toContain('| `fail-on-status` | none | | |');
  });
});

describe.concurrent('fail-if-no-jobs', () => {
  const noJobs = (result: string) => ({
    result,
    jobIds: [],
    jobsByStatus: {},
    totalItems: 0,
    processedItems: 0,
    failedItems: 0,
    skippedItems: 0,
    conflictItems: 0,
    failedItemIds: [],
    report: true,
    commentUrl: '',
  });

  it('true fails on an empty window', async () => {
    const emulator = await startApi({ jobs: [finishedJob('job-old', 'COMPLETED', { createdAtMs: -3 * HOUR_MS })] });
    const run = await runGate(emulator, { 'time-from': '1h', 'fail-if-no-jobs': 'true' });

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, noJobs('failed'));
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    expect(failureMessage(run)).toBe(
      'Marqo jobs failed: 1 reason\n- no job in the window, and fail-if-no-jobs is true',
    );
    expect(summaryText(run)).toContain('the service counted 0 jobs');
  });

  it('false passes on an empty window', async () => {
    const emulator = await startApi({ jobs: [finishedJob('job-old', 'COMPLETED', { createdAtMs: -3 * HOUR_MS })] });
    const run = await runGate(emulator, { 'time-from': '1h', 'fail-if-no-jobs': 'false' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, noJobs('passed'));
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(summaryText(run)).toContain('> no job in the window; nothing to check');
    expect(errorMessages(run)).toEqual([]);
  });
});

describe.concurrent('summary', () => {
  it('false leaves the summary empty', async () => {
    const emulator = await startApi({ jobs: [finishedJob('job-a')] });
    const run = await runGate(emulator, { 'job-id': 'job-a', summary: 'false' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'passed',
      jobIds: ['job-a'],
      jobsByStatus: { COMPLETED: 1 },
      totalItems: 50,
      processedItems: 50,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(run.summary).toBe('');
  });
});

describe.concurrent('base-url', () => {
  it('http loopback with trailing slash', async () => {
    const emulator = await startApi({ jobs: [finishedJob('job-a')] });
    const run = await runGate(emulator, { 'job-id': 'job-a', 'base-url': `${emulator.baseUrl}/` });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'passed',
      jobIds: ['job-a'],
      jobsByStatus: { COMPLETED: 1 },
      totalItems: 50,
      processedItems: 50,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(emulator.requests.map((request) => request.path)).toEqual(['/api/v1/indexes/catalog-demo/jobs/job-a']);
    expect(logLines(run)).toContain(`Index "${INDEX_NAME}" at ${emulator.baseUrl}: 1 job ID(s)`);
  });
});
