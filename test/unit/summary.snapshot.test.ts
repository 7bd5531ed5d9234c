/**
 * Snapshots of the step summary for a passed, a failed and a timed-out run, kept as markdown
 * files under __snapshots__ so that a change to the summary shows in review as a diff of what
 * readers see. Every job, timestamp and `now` is fixed, so the files change only with the code.
 * After an intended change, run `npx vitest run test/unit/summary.snapshot.test.ts -u`.
 */
import { describe, expect, it } from 'vitest';
import { buildSummary } from '../../src/report/summary.ts';
import { judge } from '../../src/verdict.ts';
import type { Settings } from '../../src/settings.ts';
import type { WatchResult } from '../../src/watch.ts';
import { makeJob, makeSettings, makeWatch, makeWindow, watched } from './fixtures.ts';

const STARTED = Date.UTC(2026, 2, 2, 9, 15, 0);
const REPORT_PATH = '/home/runner/work/_temp/marqo-jobs-report-2026-03-02T09-17-30-000Z-a1b2c3.json';

/** Formats the time `seconds` after 09:15:00 UTC on 2 March 2026 as the API writes timestamps. */
function at(seconds: number): string {
  const micros = Math.round(seconds * 1_000_000) % 1_000_000;
  const whole = new Date(STARTED + Math.floor(seconds) * 1000).toISOString().slice(0, 19);
  return `${whole}.${String(micros).padStart(6, '0')}+00:00`;
}

function summarize(watch: WatchResult, settings: Settings): string {
  return buildSummary({
    settings,
    watch,
    verdict: judge(watch, settings),
    reportPath: REPORT_PATH,
    now: watch.finishedAt,
  });
}

const completed = (jobId: string, totalItems: number, start: number, end: number) =>
  makeJob({ jobId, totalItems, processedItems: totalItems, startedAt: at(start), completedAt: at(end) });

describe('step summary snapshot', () => {
  it('passed run', async () => {
    const skipping = makeJob({
      jobId: '6c1e2b7a-0d4f-4e8b-9a51-3f2d8c7e1b40',
      totalItems: 48,
      processedItems: 46,
      skippedItems: 2,
      skippedItemsDetails: { unchanged_document: ['sku-1518', 'sku-1519'] },
      skippedSummary: { unchanged_document: 2 },
      startedAt: at(3.2),
      completedAt: at(7.9),
    });
    const jobs = [
      completed('1f8d3c2e-5b7a-4c9d-8e6f-0a1b2c3d4e5f', 64, 1.1, 5.45),
      completed('2a9e4d3f-6c8b-4d0e-9f70-1b2c3d4e5f60', 35, 2.3, 2.95),
      skipping,
    ];
    const settings = makeSettings({ selection: { mode: 'ids', jobIds: jobs.map((job) => job.jobId) } });
    const watch = makeWatch(jobs.map(watched), { startedAt: STARTED, finishedAt: STARTED + 9_400, polls: 4 });

    await expect(summarize(watch, settings)).toMatchFileSnapshot('__snapshots__/summary-passed.md');
  });

  it('failed run', async () => {
    const failed = makeJob({
      jobId: '05e9ddf6-ca06-44ef-b976-003ed4ea8e31',
      jobStatus: 'FAILED',
      totalItems: 70,
      processedItems: 63,
      failedItems: 7,
      errorMessage: '7 of 70 documents failed validation',
      failedItemsDetails: {
        missing_required_field: ['sku-1230', 'sku-1231'],
        invalid_field_value: ['sku-1227', 'sku-1228', 'sku-1229', 'sku-1232', 'sku-1233'],
      },
      errorSummary: { missing_required_field: 2, invalid_field_value: 5 },
      startedAt: at(4.0),
      completedAt: at(9.5),
    });
    const conflict = makeJob({
      jobId: '58127275-2b37-43ad-b150-1b37dfefe2b5',
      jobStatus: 'CONFLICT',
      totalItems: 46,
      processedItems: 43,
      conflictItems: 3,
      conflictingJobIds: { version_conflict: ['470a9794-fe5c-4394-abe0-8167a7bf2256'] },
      conflictDocumentIds: { version_conflict: ['sku-1498', 'sku-1499', 'sku-1500'] },
      conflictDetailCounts: { version_conflict: 3 },
      conflictSummary: { version_conflict: 3 },
      startedAt: at(12.0),
      completedAt: at(15.6),
    });
    const jobs = [
      completed('470a9794-fe5c-4394-abe0-8167a7bf2256', 34, 10.2, 14.1),
      failed,
      conflict,
      completed('b5b1801f-fc81-4285-96b6-f36462bee203', 41, 16.0, 21.3),
    ];
    const settings = makeSettings({
      selection: { mode: 'window', timeFrom: '1h', timeTo: null, status: null },
      maxConflictItems: { kind: 'percent', value: 1, text: '1%' },
      maxSkippedItems: { kind: 'count', value: 10, text: '10' },
      failOnStatus: ['CANCELLED', 'FAILED'],
    });
    const watch = makeWatch(jobs.map(watched), {
      startedAt: STARTED,
      finishedAt: STARTED + 95_000,
      polls: 11,
      window: makeWindow({
        timeFrom: '2026-03-02T08:15:00.000000+00:00',
        timeTo: '2026-03-02T09:15:00.000000+00:00',
        total: 4,
      }),
    });

    await expect(summarize(watch, settings)).toMatchFileSnapshot('__snapshots__/summary-failed.md');
  });

  it('timed-out run', async () => {
    const running = makeJob({
      jobId: '9d2f6a1c-3e5b-4f7a-8c9d-0e1f2a3b4c5d',
      jobStatus: 'IN_PROGRESS',
      totalItems: 75,
      processedItems: 51,
      progressPercentage: 68,
      estimatedTimeMinutes: 2,
      startedAt: at(60),
      completedAt: null,
    });
    const pending = makeJob({
      jobId: 'a7c3e9f1-2b4d-4a6c-8e0f-1a2b3c4d5e6f',
      jobStatus: 'PENDING',
      totalItems: 50,
      processedItems: 0,
      progressPercentage: 0,
      startedAt: null,
      completedAt: null,
    });
    const jobs = [completed('c4e8a2f6-1d3b-4c5e-9f7a-2b3c4d5e6f70', 60, 2, 94), running, pending];
    const settings = makeSettings({
      selection: { mode: 'ids', jobIds: jobs.map((job) => job.jobId) },
      timeoutMs: 10 * 60_000,
      pollIntervalMs: 15_000,
    });
    const watch = makeWatch(jobs.map(watched), {
      outcome: 'timed-out',
      startedAt: STARTED,
      finishedAt: STARTED + 600_000,
      polls: 43,
    });

    await expect(summarize(watch, settings)).toMatchFileSnapshot('__snapshots__/summary-timed-out.md');
  });
});
