/**
 * End-to-end tests of the verdict rules and the JSON report: how failed jobs, odd statuses and
 * missing jobs or indexes are judged, and what the report at report-path contains.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { demoScenario, failedJobWithIds } from '../emulator/scenarios.ts';
import {
  API_KEY,
  HEADINGS,
  INDEX_NAME,
  cleanUp,
  createdEarlier,
  demoFacts,
  expectOutputs,
  failureMessage,
  fetchJob,
  finishedJob,
  jobRequests,
  logLines,
  msSinceFirstRequest,
  readReport,
  runGate,
  startApi,
  summaryHeading,
  summaryText,
} from './fixtures.ts';

afterAll(cleanUp);

describe.concurrent('verdict', () => {
  it('FAILED job counts unprocessed items', async () => {
    // The job failed as a whole: an errorMessage, 15 of 40 items processed and no failedItems.
    const broken = finishedJob('job-broken', 'FAILED', {
      totalItems: 40,
      final: { errorMessage: 'Index schema mismatch on field price', processedItems: 15, failedItems: 0 },
    });
    const emulator = await startApi({ jobs: [finishedJob('job-ok'), broken] });
    const run = await runGate(emulator, { 'job-id': 'job-ok,job-broken', 'fail-on-status': '' });

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, {
      result: 'failed',
      jobIds: ['job-ok', 'job-broken'],
      jobsByStatus: { COMPLETED: 1, FAILED: 1 },
      totalItems: 90,
      processedItems: 65,
      failedItems: 25,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    expect(failureMessage(run)).toBe('Marqo jobs failed: 1 reason\n- failedItems 25 > max-failed-items 0');
    expect(summaryText(run)).toContain('<code>Index schema mismatch on field price</code>: 25 items in 1 job');
    expect(summaryText(run)).toContain('| <code>job-broken</code> | BULK | FAILED | 15 / 40, 25 failed |');
  });

  it('unknown status fails and names it', async () => {
    const emulator = await startApi({
      jobs: [finishedJob('job-ok'), finishedJob('job-odd', 'EXPLODED')],
    });
    const run = await runGate(emulator, { 'job-id': 'job-ok,job-odd' });

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, {
      result: 'failed',
      jobIds: ['job-ok', 'job-odd'],
      jobsByStatus: { COMPLETED: 1, EXPLODED: 1 },
      totalItems: 100,
      processedItems: 50,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    const reason =
      'job job-odd has unknown status "EXPLODED"; a status this action does not know never counts as success';
    expect(failureMessage(run)).toBe(`Marqo jobs failed: 1 reason\n- ${reason}`);
    expect(summaryText(run)).toContain(`- ${reason}\n`);
    expect(run.commands).toContain('::warning::Job job-odd: unknown status "EXPLODED"; it is not treated as success');
  });

  it('lower-case and legacy statuses map', async () => {
    const legacy = finishedJob('job-legacy', 'completed', {
      createdAtMs: -5_000,
      timeline: [
        { atMs: -4_000, status: 'QUEUED' },
        { atMs: 1_000, status: 'RUNNING', progressPercentage: 50 },
        { atMs: 4_000, status: 'completed' },
      ],
    });
    const emulator = await startApi({ jobs: [legacy] });
    const run = await runGate(emulator, { 'job-id': 'job-legacy' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'passed',
      jobIds: ['job-legacy'],
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
    expect(summaryText(run)).toContain('| <code>job-legacy</code> | BULK | COMPLETED |');

    const lines = logLines(run);
    expect(lines).toContain('Job job-legacy: PENDING 0% (0 of 50 items processed)');
    expect(lines).toContain('Job job-legacy: PENDING -> IN_PROGRESS 50% (25 of 50 items processed)');
    expect(
      lines.some((line) => line.startsWith('Job job-legacy: IN_PROGRESS -> COMPLETED (50 of 50 items processed)')),
    ).toBe(true);
    // The report keeps each job object as the API sent it.
    expect((await readReport(run)).report.jobs[0]?.job?.jobStatus).toBe('completed');
  });

  it('job answering 404 fails after the grace period', async () => {
    const emulator = await startApi({ jobs: [finishedJob('job-ok')] });
    const run = await runGate(emulator, { 'job-id': 'job-ok,job-ghost' });

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, {
      result: 'failed',
      jobIds: ['job-ok', 'job-ghost'],
      jobsByStatus: { COMPLETED: 1, UNREADABLE: 1 },
      totalItems: 50,
      processedItems: 50,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    expect(failureMessage(run)).toMatch(
      /^Marqo jobs failed: 1 reason\n- 1 job could not be read \(job-ghost\): job not found in index "catalog-demo" \(the API answered 404 for 1\d s\)\. Check job-id and index-name\.$/,
    );
    expect(summaryText(run)).toContain('| <code>job-ghost</code> | - | could not be read | - | - | - |');
    expect(logLines(run)).toContain(
      'Job job-ghost: not found yet, asking again for up to 10 s (a new job may not be listed at once)',
    );

    // The job is asked again for about 10 s, and the index is checked once.
    const ghostReads = jobRequests(emulator).filter((request) => request.jobId === 'job-ghost');
    expect(ghostReads.every((request) => request.status === 404)).toBe(true);
    expect((ghostReads.at(-1)?.atMs ?? 0) - (ghostReads[0]?.atMs ?? 0)).toBeGreaterThanOrEqual(10_000);
    expect(jobRequests(emulator).filter((request) => request.endpoint === 'list')).toHaveLength(1);
  });

  it('index answering 404 fails at once', async () => {
    const emulator = await startApi({ jobs: [finishedJob('job-a')] });
    const run = await runGate(emulator, { 'index-name': 'catalog-missing', 'job-id': 'job-a' });
    const runTimeMs = msSinceFirstRequest(emulator);

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, {
      result: 'failed',
      jobIds: ['job-a'],
      jobsByStatus: { UNREADABLE: 1 },
      totalItems: 0,
      processedItems: 0,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    const reason = 'Index "catalog-missing" not found (status 404 (Index not found)). Check index-name and base-url.';
    expect(failureMessage(run)).toBe(`Marqo jobs failed: 1 reason\n- ${reason}`);
    expect(summaryText(run)).toContain(`- ${reason}\n`);
    // Far less than the 10 s a missing job is asked for.
    expect(runTimeMs).toBeLessThan(5_000);
    expect(jobRequests(emulator).map((request) => `${request.endpoint} ${request.status}`)).toEqual([
      'job 404',
      'list 404',
    ]);
  });

  it('index answering 404 fails a window at once', async () => {
    const emulator = await startApi({ jobs: [finishedJob('job-a')] });
    const run = await runGate(emulator, { 'index-name': 'catalog-missing' });

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, {
      result: 'failed',
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
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    expect(failureMessage(run)).toBe(
      'Marqo jobs failed: 1 reason\n- Index "catalog-missing" not found (status 404 (Index not found)). Check index-name and base-url.',
    );
    expect(jobRequests(emulator).map((request) => `${request.endpoint} ${request.status}`)).toEqual(['list 404']);
  });
});

describe.concurrent('report', () => {
  it('holds settings, window, jobs and verdict', async () => {
    const jobs = createdEarlier(demoScenario({ timeScale: 0.1 }));
    const demo = demoFacts(jobs);
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator);

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, {
      result: 'failed',
      jobIds: demo.newestFirst,
      jobsByStatus: { COMPLETED: 10, FAILED: 1, CONFLICT: 1 },
      totalItems: demo.totalItems,
      processedItems: demo.totalItems - 10,
      failedItems: 5,
      skippedItems: 2,
      conflictItems: 3,
      failedItemIds: Object.values(demo.failedDocumentIds).flat(),
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.failed);

    const { text, report } = await readReport(run);
    expect(text).not.toContain(API_KEY);

    // The verdict: the same result and reasons as the failure message.
    const reasons = failureMessage(run)
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^- /, ''));
    expect(report.result).toBe('failed');
    expect(report.reasons).toEqual(reasons);
    expect(report.reasons).toEqual(['failedItems 5 > max-failed-items 0', 'conflictItems 3 > max-conflict-items 0']);
    expect(report.totals).toEqual({
      totalItems: demo.totalItems,
      processedItems: demo.totalItems - 10,
      failedItems: 5,
      skippedItems: 2,
      conflictItems: 3,
    });
    expect(report.jobsByStatus).toEqual({ COMPLETED: 10, FAILED: 1, CONFLICT: 1 });

    // The settings, without the key or the GitHub token.
    expect(report.settings).not.toHaveProperty('apiKey');
    expect(report.settings).not.toHaveProperty('githubToken');
    expect(report.settings.indexName).toBe(INDEX_NAME);
    expect(report.settings.baseUrl).toBe(emulator.baseUrl);
    expect(report.settings.selection).toEqual({ mode: 'window', timeFrom: null, timeTo: null, status: null });
    expect(report.settings.pollIntervalMs).toBe(1_000);
    expect(report.settings.maxFailedItems).toEqual({ kind: 'count', value: 0, text: '0' });

    // The window the service used: its default of the last 24 hours.
    expect(report.window?.total).toBe(12);
    expect(report.window?.unread).toBe(0);
    expect(Date.parse(report.window?.timeTo ?? '') - Date.parse(report.window?.timeFrom ?? '')).toBe(86_400_000);

    // Every job's final object, exactly as the API sends it.
    expect(report.jobIds).toEqual(demo.newestFirst);
    expect(report.jobs.map((entry) => entry.jobId)).toEqual(demo.newestFirst);
    for (const entry of report.jobs) {
      expect(entry.phase).toBe('terminal');
      expect(entry.error).toBeNull();
      expect(entry.job).toEqual(await fetchJob(emulator, entry.jobId));
    }

    // Every failed document, by job and error type.
    expect(report.failedItems).toEqual(
      Object.entries(demo.failedDocumentIds).map(([errorType, documentIds]) => ({
        jobId: demo.failedJobId,
        errorType,
        documentIds,
      })),
    );
  });

  it('lists every failed ID, failed-item-ids the first 1,000', async () => {
    const emulator = await startApi({ jobs: [failedJobWithIds(1_500)] });
    const run = await runGate(emulator, { 'job-id': 'failed-job-1500', 'fail-on-status': '' });
    const allIds = Array.from({ length: 1_500 }, (_, i) => `sku-${i}`);

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, {
      result: 'failed',
      jobIds: ['failed-job-1500'],
      jobsByStatus: { FAILED: 1 },
      totalItems: 1_500,
      processedItems: 0,
      failedItems: 1_500,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: allIds.slice(0, 1_000),
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.failed);
    expect(failureMessage(run)).toBe('Marqo jobs failed: 1 reason\n- failedItems 1500 > max-failed-items 0');
    expect(summaryText(run)).toContain('<code>invalid_field_value</code>: 1,500 items in 1 job');

    const { report } = await readReport(run);
    expect(report.failedItems).toEqual([
      { jobId: 'failed-job-1500', errorType: 'invalid_field_value', documentIds: allIds },
    ]);
  });
});
