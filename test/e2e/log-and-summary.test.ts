/**
 * End-to-end tests of what a run shows a reader: the log lines as jobs change status, the
 * verdict's reasons, and the sections of the step summary in their order.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { demoScenario } from '../emulator/scenarios.ts';
import {
  HEADINGS,
  cleanUp,
  createdEarlier,
  demoFacts,
  expectOutputs,
  finishedJob,
  jobRequests,
  logLines,
  readReport,
  runGate,
  startApi,
  summaryHeading,
  summaryText,
} from './fixtures.ts';

afterAll(cleanUp);

describe.concurrent('log', () => {
  it('one line per status change', async () => {
    // Progress stays at 50% while the job runs, so the polls in between have nothing to report.
    const job = finishedJob('job-steps', 'COMPLETED', {
      createdAtMs: -5_000,
      timeline: [
        { atMs: -4_000, status: 'PENDING' },
        { atMs: 1_000, status: 'IN_PROGRESS', progressPercentage: 50 },
        { atMs: 4_000, status: 'COMPLETED' },
      ],
    });
    const emulator = await startApi({ jobs: [job] });
    const run = await runGate(emulator, { 'job-id': 'job-steps' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'passed',
      jobIds: ['job-steps'],
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

    const jobLines = logLines(run).filter((line) => line.startsWith('Job job-steps:'));
    expect(jobLines).toHaveLength(3);
    expect(jobLines[0]).toBe('Job job-steps: PENDING 0% (0 of 50 items processed)');
    expect(jobLines[1]).toBe('Job job-steps: PENDING -> IN_PROGRESS 50% (25 of 50 items processed)');
    expect(jobLines[2]).toMatch(/^Job job-steps: IN_PROGRESS -> COMPLETED \(50 of 50 items processed\), ran 3 s$/);
    expect(jobRequests(emulator).length).toBeGreaterThan(jobLines.length);
  });

  it('status changes and reasons of a deploy', async () => {
    const jobs = createdEarlier(demoScenario({ timeScale: 0.1 }));
    const demo = demoFacts(jobs);
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'max-skipped-items': '1' });

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

    // Each job logs the moment it reaches its terminal status once, whatever the polls in between.
    const lines = logLines(run);
    for (const jobId of demo.jobIds) {
      let status = 'COMPLETED';
      if (jobId === demo.failedJobId) status = 'FAILED';
      if (jobId === demo.conflictJobId) status = 'CONFLICT';
      const endings = lines.filter((line) => line.startsWith(`Job ${jobId}: `) && line.includes(` -> ${status} (`));
      expect(endings, jobId).toHaveLength(1);
    }

    // The verdict group prints the result and then each reason.
    const reasons = [
      'failedItems 5 > max-failed-items 0',
      'conflictItems 3 > max-conflict-items 0',
      'skippedItems 2 > max-skipped-items 1',
    ];
    const resultAt = lines.indexOf('Result: failed');
    expect(resultAt).toBeGreaterThan(0);
    expect(lines.slice(resultAt + 1, resultAt + 1 + reasons.length)).toEqual(reasons.map((reason) => `- ${reason}`));
    expect((await readReport(run)).report.reasons).toEqual(reasons);
  });
});

describe.concurrent('step summary', () => {
  it('sections in order', async () => {
    const jobs = createdEarlier(demoScenario({ timeScale: 0.1 }));
    const demo = demoFacts(jobs);
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'max-skipped-items': '1' });

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
    const { report } = await readReport(run);
    const summary = summaryText(run);
    const code = (text: string): string => `<code>${text}</code>`;
    const [invalid = [], missing = []] = Object.values(demo.failedDocumentIds);

    const sections = [
      `${HEADINGS.failed}\n`,
      `Index ${code('catalog-demo')} · 12 jobs · ${demo.totalItems} items · watched for `,
      '**Why it failed**',
      '- failedItems 5 > max-failed-items 0\n- conflictItems 3 > max-conflict-items 0\n- skippedItems 2 > max-skipped-items 1\n',
      `| Jobs | Items | Processed | Failed | Conflict | Skipped |\n|---:|---:|---:|---:|---:|---:|\n| 12 | ${demo.totalItems} | ${demo.totalItems - 10} | 5 | 3 | 2 |`,
      '### Jobs (12)',
      '| Job ID | Type | Status | Items | Progress | Duration |',
      '### Failures by error type',
      `${code('invalid_field_value')}: 3 items in 1 job</summary>\n\n${invalid.map(code).join(' ')}\n`,
      `${code('missing_required_field')}: 2 items in 1 job</summary>\n\n${missing.map(code).join(' ')}\n`,
      '### Conflicts by reason',
      `${code('version_conflict')}: 3 items in 1 job, conflicting with ${code(demo.conflictingJobId)}</summary>`,
      '### Skipped items by reason',
      `${code('unchanged_document')}: 2 items in 1 job</summary>\n\n${demo.skippedDocumentIds.map(code).join(' ')}\n`,
      '### Thresholds',
      '| `max-failed-items` | 0 | 5 | ❌ exceeded |\n| `max-conflict-items` | 0 | 3 | ❌ exceeded |\n| `max-skipped-items` | 1 | 2 | ❌ exceeded |\n| `fail-on-status` | CANCELLED | | |',
      `Window ${code(report.window?.timeFrom ?? '')} to ${code(report.window?.timeTo ?? '')}; the service counted 12 jobs. Timeout 30 min, poll interval up to 1 s, `,
    ];
    expect(summary.startsWith(sections[0] ?? '')).toBe(true);
    let at = 0;
    for (const section of sections) {
      const found = summary.indexOf(section, at);
      expect(found, section).toBeGreaterThanOrEqual(at);
      at = found + section.length;
    }

    // The job table has a row per job, problem jobs first.
    const rows = summary.split('\n').filter((line) => line.startsWith('| <code>'));
    expect(rows).toHaveLength(12);
    const statusOf = (row: string): string => row.split(' | ')[2] ?? '';
    expect(rows.slice(0, 2).map(statusOf).sort()).toEqual(['CONFLICT', 'FAILED']);
    for (const jobId of demo.jobIds)
      expect(
        rows.filter((row) => row.startsWith(`| ${code(jobId)} | BULK | `)),
        jobId,
      ).toHaveLength(1);
  });
});
