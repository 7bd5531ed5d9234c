/**
 * End-to-end tests of each result the action can end with: passed, failed, timed-out, pending
 * and cancelled. Every one sets every output and writes the step summary.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { demoScenario } from '../emulator/scenarios.ts';
import {
  HEADINGS,
  cleanUp,
  createdEarlier,
  demoFacts,
  endlessJob,
  expectOutputs,
  errorMessages,
  failureMessage,
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

describe.concurrent('result', () => {
  it('passed within every threshold', async () => {
    const jobs = demoScenario({ timeScale: 0.1 });
    const demo = demoFacts(jobs);
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, {
      'job-id': demo.jobIds.join(','),
      'max-failed-items': '5',
      'max-conflict-items': '3',
    });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'passed',
      jobIds: demo.jobIds,
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
    expect(summaryHeading(run)).toBe(HEADINGS.passed);
    expect(summaryText(run)).toContain(`| 12 | ${demo.totalItems} | ${demo.totalItems - 10} | 5 | 3 | 2 |`);
    expect(errorMessages(run)).toEqual([]);
    expect(logLines(run)).toContain(`Passed: ${demo.totalItems} items in 12 job(s), none over a threshold`);
  });

  it('failed lists every reason', async () => {
    const jobs = createdEarlier(demoScenario({ timeScale: 0.1 }));
    const demo = demoFacts(jobs);
    const emulator = await startApi({ jobs });
    const run = await runGate(emulator, { 'max-skipped-items': '0', 'fail-on-status': 'FAILED,CONFLICT,CANCELLED' });

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

    const reasons = [
      'failedItems 5 > max-failed-items 0',
      'conflictItems 3 > max-conflict-items 0',
      'skippedItems 2 > max-skipped-items 0',
      `1 job ended FAILED, which fail-on-status lists: ${demo.failedJobId}`,
      `1 job ended CONFLICT, which fail-on-status lists: ${demo.conflictJobId}`,
    ];
    expect(failureMessage(run)).toBe(
      ['Marqo jobs failed: 5 reasons', ...reasons.map((reason) => `- ${reason}`)].join('\n'),
    );
    for (const reason of reasons) expect(summaryText(run)).toContain(`- ${reason}\n`);
  });

  it('timed-out with a job still running', async () => {
    const emulator = await startApi({ jobs: [finishedJob('done-1'), endlessJob('stuck-1')] });
    const run = await runGate(emulator, { 'job-id': 'done-1,stuck-1', timeout: '3s' });
    const runTimeMs = msSinceFirstRequest(emulator);

    expect(run.exitCode).toBe(1);
    await expectOutputs(run, {
      result: 'timed-out',
      jobIds: ['done-1', 'stuck-1'],
      jobsByStatus: { COMPLETED: 1, IN_PROGRESS: 1 },
      totalItems: 100,
      processedItems: 70,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS['timed-out']);
    const reason = '1 job still active when the timeout of 3 s passed: stuck-1 (IN_PROGRESS)';
    expect(failureMessage(run)).toBe(`Marqo jobs timed out: 1 reason\n- ${reason}`);
    expect(summaryText(run)).toContain(`- ${reason}\n`);
    expect(run.durationMs).toBeGreaterThanOrEqual(3_000);
    expect(runTimeMs).toBeLessThan(3_000 + 1_500);
    // About one read a second, and none in a burst before the deadline.
    expect(jobRequests(emulator).length).toBeLessThanOrEqual(8);
    expect(jobRequests(emulator).every((request) => request.status === 200)).toBe(true);
  });

  it('pending when wait is false', async () => {
    const emulator = await startApi({ jobs: [finishedJob('done-1'), endlessJob('busy-1')] });
    const run = await runGate(emulator, { 'job-id': 'done-1,busy-1', wait: 'false' });

    expect(run.exitCode).toBe(0);
    await expectOutputs(run, {
      result: 'pending',
      jobIds: ['done-1', 'busy-1'],
      jobsByStatus: { COMPLETED: 1, IN_PROGRESS: 1 },
      totalItems: 100,
      processedItems: 70,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.pending);
    expect(summaryText(run)).toContain('> 1 job still active (wait is false): busy-1 (IN_PROGRESS)');
    expect(errorMessages(run)).toEqual([]);
    expect(logLines(run)).toContain('Pending: some jobs are still active');
    expect(
      jobRequests(emulator)
        .map((request) => request.jobId)
        .sort(),
    ).toEqual(['busy-1', 'done-1']);
  });

  it('cancelled by SIGINT', async () => {
    const emulator = await startApi({ jobs: [finishedJob('done-1'), endlessJob('stuck-1')] });
    // Late enough for Node to have started the action and installed its handler, even under load.
    const cancelAfterMs = 2_500;
    const run = await runGate(emulator, { 'job-id': 'done-1,stuck-1' }, { cancelAfterMs });

    expect(run.signal).toBeNull();
    expect(run.exitCode).not.toBe(0);
    expect(run.durationMs - cancelAfterMs).toBeLessThan(5_000);
    await expectOutputs(run, {
      result: 'cancelled',
      jobIds: ['done-1', 'stuck-1'],
      jobsByStatus: { COMPLETED: 1, IN_PROGRESS: 1 },
      totalItems: 100,
      processedItems: 70,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
      failedItemIds: [],
      report: true,
      commentUrl: '',
    });
    expect(summaryHeading(run)).toBe(HEADINGS.cancelled);
    expect(summaryText(run)).toContain('- the run was cancelled with 1 job still active\n');
    expect(failureMessage(run)).toBe(
      'Watching the Marqo jobs was cancelled: 1 reason\n- the run was cancelled with 1 job still active',
    );
    expect(logLines(run)).toContain('Received SIGINT: stopping requests and writing the report');
    expect((await readReport(run)).report.result).toBe('cancelled');
  });

  it('cancelled by SIGTERM alone', async () => {
    const emulator = await startApi({ jobs: [finishedJob('done-1'), endlessJob('stuck-1')] });
    const cancelAfterMs = 2_500;
    const run = await runGate(emulator, { 'job-id': 'done-1,stuck-1' }, { cancelAfterMs, cancelSignal: 'SIGTERM' });

    expect(run.signal).toBeNull();
    expect(run.exitCode).not.toBe(0);
    expect(run.durationMs - cancelAfterMs).toBeLessThan(5_000);
    expect(run.outputs.result).toBe('cancelled');
    expect(summaryHeading(run)).toBe(HEADINGS.cancelled);
    expect(logLines(run)).toContain('Received SIGTERM: stopping requests and writing the report');
    expect((await readReport(run)).report.result).toBe('cancelled');
  });

  it('cancelled during a hanging request', async () => {
    // The first read gets a response and every later one hangs, so SIGINT arrives while a request is open.
    let jobReads = 0;
    const emulator = await startApi({ jobs: [endlessJob('stuck-1')] });
    emulator.addFault({ endpoint: 'job', match: () => ++jobReads > 1, fault: { kind: 'hang' } });
    const cancelAfterMs = 3_000;
    const run = await runGate(emulator, { 'job-id': 'stuck-1' }, { cancelAfterMs });

    expect(run.signal).toBeNull();
    expect(run.exitCode).not.toBe(0);
    expect(run.durationMs - cancelAfterMs).toBeLessThan(5_000);
    await expectOutputs(run, {
      result: 'cancelled',
      jobIds: ['stuck-1'],
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
    expect(summaryHeading(run)).toBe(HEADINGS.cancelled);
    expect(summaryText(run)).toContain('- the run was cancelled with 1 job still active\n');

    const requests = jobRequests(emulator);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests[requests.length - 1]?.fault).toBe('hang');
  });
});
