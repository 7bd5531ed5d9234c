import { describe, expect, it } from 'vitest';
import { effectiveFailedItems, judge, statusKey, sumTotals } from '../../src/verdict.ts';
import type { Threshold } from '../../src/settings.ts';
import { makeJob, makeSettings, makeWatch, makeWindow, unreadable, watched } from './fixtures.ts';

function count(value: number): Threshold {
  return { kind: 'count', value, text: String(value) };
}

function percent(value: number): Threshold {
  return { kind: 'percent', value, text: `${value}%` };
}

const WINDOW_SELECTION = { mode: 'window', timeFrom: null, timeTo: null, status: null } as const;

describe('judge passing', () => {
  it('passes completed jobs without failures', () => {
    const watch = makeWatch([
      watched(makeJob({ jobId: 'a' })),
      watched(makeJob({ jobId: 'b', totalItems: 50, processedItems: 50 })),
    ]);
    const verdict = judge(watch, makeSettings());

    expect(verdict.result).toBe('passed');
    expect(verdict.reasons).toEqual([]);
    expect(verdict.notes).toEqual([]);
    expect(verdict.totals).toEqual({
      totalItems: 150,
      processedItems: 150,
      failedItems: 0,
      skippedItems: 0,
      conflictItems: 0,
    });
    expect(verdict.jobsByStatus).toEqual({ COMPLETED: 2 });
  });

  it('reports every threshold it applied', () => {
    const verdict = judge(makeWatch([watched(makeJob())]), makeSettings({ maxSkippedItems: count(5) }));

    expect(verdict.thresholds).toEqual([
      { input: 'max-failed-items', field: 'failedItems', limitText: '0', limitItems: 0, actual: 0, exceeded: false },
      {
        input: 'max-conflict-items',
        field: 'conflictItems',
        limitText: '0',
        limitItems: 0,
        actual: 0,
        exceeded: false,
      },
      { input: 'max-skipped-items', field: 'skippedItems', limitText: '5', limitItems: 5, actual: 0, exceeded: false },
    ]);
  });
});

describe('judge failed items', () => {
  it('fails over a count', () => {
    const job = makeJob({ totalItems: 100, processedItems: 88, failedItems: 12 });
    const verdict = judge(makeWatch([watched(job)]), makeSettings());

    expect(verdict.result).toBe('failed');
    expect(verdict.reasons).toEqual(['failedItems 12 > max-failed-items 0']);
    expect(verdict.thresholds[0]?.exceeded).toBe(true);
  });

  it('passes at the count', () => {
    const job = makeJob({ totalItems: 100, processedItems: 88, failedItems: 12 });

    expect(judge(makeWatch([watched(job)]), makeSettings({ maxFailedItems: count(12) })).result).toBe('passed');
  });

  it('sums failed items over jobs', () => {
    const jobs = [
      makeJob({ jobId: 'a', failedItems: 3, processedItems: 97 }),
      makeJob({ jobId: 'b', failedItems: 4, processedItems: 96 }),
    ];
    const verdict = judge(makeWatch(jobs.map(watched)), makeSettings({ maxFailedItems: count(6) }));

    expect(verdict.totals.failedItems).toBe(7);
    expect(verdict.reasons).toEqual(['failedItems 7 > max-failed-items 6']);
  });

  it('fails over a percentage with the numbers', () => {
    const job = makeJob({ totalItems: 400, processedItems: 388, failedItems: 12 });
    const verdict = judge(makeWatch([watched(job)]), makeSettings({ maxFailedItems: percent(2) }));

    expect(verdict.result).toBe('failed');
    expect(verdict.reasons).toEqual(['failedItems 12 (3.00% of 400 items) > max-failed-items 2% (8 items)']);
    expect(verdict.thresholds[0]?.limitItems).toBe(8);
  });

  it('shows a fractional percentage limit', () => {
    const job = makeJob({ totalItems: 90, processedItems: 87, failedItems: 3 });
    const verdict = judge(makeWatch([watched(job)]), makeSettings({ maxFailedItems: percent(2.5) }));

    expect(verdict.reasons).toEqual(['failedItems 3 (3.33% of 90 items) > max-failed-items 2.5% (2.3 items)']);
  });

  it('passes at a percentage', () => {
    const job = makeJob({ totalItems: 400, processedItems: 392, failedItems: 8 });

    expect(judge(makeWatch([watched(job)]), makeSettings({ maxFailedItems: percent(2) })).result).toBe('passed');
  });

  // 0.7 / 100 * 1000 is 6.999999999999999 in floating point, so 7 failed items of 1,000 fail a
  // limit of 0.7%, which allows exactly 7.
  it('passes exactly at 0.7% of 1,000', () => {
    const job = makeJob({ totalItems: 1000, processedItems: 993, failedItems: 7 });
    const verdict = judge(makeWatch([watched(job)]), makeSettings({ maxFailedItems: percent(0.7) }));

    expect(verdict.reasons).toEqual([]);
    expect(verdict.result).toBe('passed');
  });

  it('passes exactly at 4.1% of 1,000', () => {
    const job = makeJob({ totalItems: 1000, processedItems: 959, failedItems: 41 });

    expect(judge(makeWatch([watched(job)]), makeSettings({ maxFailedItems: percent(4.1) })).result).toBe('passed');
  });

  it('counts unprocessed items of a FAILED job with errorMessage', () => {
    const job = makeJob({
      jobStatus: 'FAILED',
      totalItems: 50,
      processedItems: 10,
      skippedItems: 5,
      conflictItems: 2,
      failedItems: 0,
      errorMessage: 'index unavailable',
    });
    const verdict = judge(makeWatch([watched(job)]), makeSettings({ failOnStatus: [], maxConflictItems: count(10) }));

    expect(effectiveFailedItems(job)).toBe(33);
    expect(verdict.totals.failedItems).toBe(33);
    expect(verdict.result).toBe('failed');
    expect(verdict.reasons).toEqual(['failedItems 33 > max-failed-items 0']);
  });

  it('keeps failedItems of a FAILED job that lists them', () => {
    const job = makeJob({
      jobStatus: 'FAILED',
      totalItems: 50,
      processedItems: 10,
      failedItems: 4,
      errorMessage: 'partly failed',
    });

    expect(effectiveFailedItems(job)).toBe(4);
  });

  it('adds nothing for a FAILED job without errorMessage', () => {
    const job = makeJob({
      jobStatus: 'FAILED',
      totalItems: 50,
      processedItems: 10,
      failedItems: 0,
      errorMessage: null,
    });

    expect(effectiveFailedItems(job)).toBe(0);
  });

  it('never counts below zero', () => {
    const job = makeJob({ jobStatus: 'FAILED', totalItems: 5, processedItems: 5, skippedItems: 3, errorMessage: 'x' });

    expect(effectiveFailedItems(job)).toBe(0);
  });
});

describe('judge conflict and skipped items', () => {
  it('fails over the conflict count', () => {
    const job = makeJob({ jobStatus: 'CONFLICT', processedItems: 97, conflictItems: 3 });
    const verdict = judge(makeWatch([watched(job)]), makeSettings({ maxConflictItems: count(2) }));

    expect(verdict.result).toBe('failed');
    expect(verdict.reasons).toEqual(['conflictItems 3 > max-conflict-items 2']);
  });

  it('fails over the conflict percentage', () => {
    const job = makeJob({ jobStatus: 'CONFLICT', totalItems: 200, processedItems: 190, conflictItems: 10 });
    const verdict = judge(makeWatch([watched(job)]), makeSettings({ maxConflictItems: percent(1) }));

    expect(verdict.reasons).toEqual(['conflictItems 10 (5.00% of 200 items) > max-conflict-items 1% (2 items)']);
  });

  it('fails over the skipped count', () => {
    const job = makeJob({ processedItems: 90, skippedItems: 10 });
    const verdict = judge(makeWatch([watched(job)]), makeSettings({ maxSkippedItems: count(9) }));

    expect(verdict.result).toBe('failed');
    expect(verdict.reasons).toEqual(['skippedItems 10 > max-skipped-items 9']);
  });

  it('treats empty max-skipped-items as no limit', () => {
    const job = makeJob({ processedItems: 0, skippedItems: 100 });
    const verdict = judge(makeWatch([watched(job)]), makeSettings({ maxSkippedItems: null }));

    expect(verdict.result).toBe('passed');
    expect(verdict.thresholds[2]).toEqual({
      input: 'max-skipped-items',
      field: 'skippedItems',
      limitText: null,
      limitItems: null,
      actual: 100,
      exceeded: false,
    });
  });
});

describe('judge statuses', () => {
  it('fails on a fail-on-status match', () => {
    const jobs = [makeJob({ jobId: 'a', jobStatus: 'CANCELLED', processedItems: 40 }), makeJob({ jobId: 'b' })];
    const verdict = judge(makeWatch(jobs.map(watched)), makeSettings({ failOnStatus: ['CANCELLED'] }));

    expect(verdict.result).toBe('failed');
    expect(verdict.reasons).toEqual(['1 job ended CANCELLED, which fail-on-status lists: a']);
  });

  it('lists at most ten jobs per status', () => {
    const jobs = Array.from({ length: 12 }, (_, index) =>
      makeJob({ jobId: `j${index}`, jobStatus: 'FAILED', errorMessage: null }),
    );
    const verdict = judge(makeWatch(jobs.map(watched)), makeSettings({ failOnStatus: ['FAILED'] }));

    expect(verdict.reasons).toEqual([
      '12 jobs ended FAILED, which fail-on-status lists: j0, j1, j2, j3, j4, j5, j6, j7, j8, j9 and 2 more',
    ]);
  });

  it('fails on an active fail-on-status', () => {
    const jobs = [
      makeJob({ jobId: 'a', jobStatus: 'PENDING', processedItems: 0 }),
      makeJob({ jobId: 'b', jobStatus: 'PENDING', processedItems: 0 }),
    ];
    const verdict = judge(
      makeWatch(jobs.map(watched), { outcome: 'snapshot' }),
      makeSettings({ failOnStatus: ['PENDING'] }),
    );

    expect(verdict.reasons).toEqual(['2 jobs are PENDING, which fail-on-status lists: a, b']);
    expect(verdict.result).toBe('failed');
  });

  // The reason reads "1 job are PENDING": the verb does not follow the count.
  it('uses is for one active job', () => {
    const job = makeJob({ jobId: 'a', jobStatus: 'PENDING', processedItems: 0 });
    const verdict = judge(
      makeWatch([watched(job)], { outcome: 'snapshot' }),
      makeSettings({ failOnStatus: ['PENDING'] }),
    );

    expect(verdict.reasons).toEqual(['1 job is PENDING, which fail-on-status lists: a']);
  });

  it('passes a FAILED job not in fail-on-status under the limits', () => {
    const job = makeJob({ jobStatus: 'FAILED', processedItems: 98, failedItems: 2 });

    expect(judge(makeWatch([watched(job)]), makeSettings({ failOnStatus: [], maxFailedItems: count(5) })).result).toBe(
      'passed',
    );
  });

  it('fails an unknown status and names it', () => {
    const job = makeJob({ jobId: 'odd', jobStatus: null, rawStatus: 'archived' });
    const verdict = judge(makeWatch([watched(job)]), makeSettings());

    expect(verdict.result).toBe('failed');
    expect(verdict.reasons).toEqual([
      'job odd has unknown status "archived"; a status this action does not know never counts as success',
    ]);
    expect(verdict.jobsByStatus).toEqual({ ARCHIVED: 1 });
  });

  it('counts jobs by status', () => {
    const jobs = [
      watched(makeJob({ jobId: 'a' })),
      watched(makeJob({ jobId: 'b' })),
      watched(makeJob({ jobId: 'c', jobStatus: 'IN_PROGRESS' })),
      unreadable('d', 'status 500'),
    ];

    expect(judge(makeWatch(jobs, { outcome: 'snapshot' }), makeSettings()).jobsByStatus).toEqual({
      COMPLETED: 2,
      IN_PROGRESS: 1,
      UNREADABLE: 1,
    });
    expect(statusKey(jobs[3] ?? unreadable('x', 'x'))).toBe('UNREADABLE');
  });
});

describe('judge unreadable jobs', () => {
  it('fails and groups them by error', () => {
    const jobs = [
      watched(makeJob({ jobId: 'ok' })),
      unreadable('a', 'status 500 (an HTML page)'),
      unreadable('b', 'status 500 (an HTML page)'),
      unreadable('c', 'field jobId should be a non-empty string'),
    ];
    const verdict = judge(makeWatch(jobs), makeSettings());

    expect(verdict.result).toBe('failed');
    expect(verdict.reasons).toEqual([
      '2 jobs could not be read (a, b): status 500 (an HTML page)',
      '1 job could not be read (c): field jobId should be a non-empty string',
    ]);
  });

  it('states a fatal error once', () => {
    const fatal = 'status 401 (unauthorized). Check that api-key is a valid Marqo API key';
    const jobs = [unreadable('a', fatal), unreadable('b', fatal)];
    const verdict = judge(makeWatch(jobs, { outcome: 'error', fatalError: fatal }), makeSettings());

    expect(verdict.result).toBe('failed');
    expect(verdict.reasons).toEqual([fatal]);
  });

  it('skips the no-jobs note after a fatal error', () => {
    const verdict = judge(
      makeWatch([], { outcome: 'error', fatalError: 'index not found' }),
      makeSettings({ failIfNoJobs: true }),
    );

    expect(verdict.reasons).toEqual(['index not found']);
    expect(verdict.notes).toEqual([]);
  });
});

describe('judge outcomes', () => {
  it('times out with active jobs', () => {
    const jobs = [
      watched(makeJob({ jobId: 'a', jobStatus: 'IN_PROGRESS', processedItems: 40 })),
      { jobId: 'b', job: null, phase: 'active' as const, error: 'not found yet' },
      watched(makeJob({ jobId: 'c' })),
    ];
    const verdict = judge(makeWatch(jobs, { outcome: 'timed-out' }), makeSettings({ timeoutMs: 10 * 60_000 }));

    expect(verdict.result).toBe('timed-out');
    expect(verdict.reasons).toEqual([
      '2 jobs still active when the timeout of 10 min passed: a (IN_PROGRESS), b (not found)',
    ]);
  });

  it('puts the timeout first among reasons', () => {
    const jobs = [
      watched(makeJob({ jobId: 'a', jobStatus: 'PENDING', processedItems: 0 })),
      watched(makeJob({ jobId: 'b', processedItems: 99, failedItems: 1 })),
    ];
    const verdict = judge(makeWatch(jobs, { outcome: 'timed-out' }), makeSettings());

    expect(verdict.result).toBe('timed-out');
    expect(verdict.reasons).toEqual([
      '1 job still active when the timeout of 30 min passed: a (PENDING)',
      'failedItems 1 > max-failed-items 0',
    ]);
  });

  it('judges a timed-out watch without active jobs on its reasons', () => {
    const verdict = judge(makeWatch([watched(makeJob())], { outcome: 'timed-out' }), makeSettings());

    expect(verdict.result).toBe('passed');
  });

  it('cancels', () => {
    const jobs = [watched(makeJob({ jobId: 'a', jobStatus: 'IN_PROGRESS', processedItems: 5 }))];
    const verdict = judge(makeWatch(jobs, { outcome: 'cancelled' }), makeSettings());

    expect(verdict.result).toBe('cancelled');
    expect(verdict.reasons).toEqual(['the run was cancelled with 1 job still active']);
  });

  it('is pending when wait is false', () => {
    const jobs = [
      watched(makeJob({ jobId: 'a', jobStatus: 'IN_PROGRESS', processedItems: 5 })),
      watched(makeJob({ jobId: 'b' })),
    ];
    const verdict = judge(makeWatch(jobs, { outcome: 'snapshot' }), makeSettings({ wait: false }));

    expect(verdict.result).toBe('pending');
    expect(verdict.reasons).toEqual([]);
    expect(verdict.notes).toEqual(['1 job still active (wait is false): a (IN_PROGRESS)']);
  });

  it('fails a snapshot with a reason even while jobs run', () => {
    const jobs = [watched(makeJob({ jobId: 'a', jobStatus: 'IN_PROGRESS', processedItems: 5, failedItems: 2 }))];
    const verdict = judge(makeWatch(jobs, { outcome: 'snapshot' }), makeSettings({ wait: false }));

    expect(verdict.result).toBe('failed');
    expect(verdict.reasons).toEqual(['failedItems 2 > max-failed-items 0']);
  });
});

describe('judge windows', () => {
  it('passes an empty window with a note', () => {
    const settings = makeSettings({ selection: WINDOW_SELECTION, failIfNoJobs: false });
    const verdict = judge(makeWatch([], { window: makeWindow() }), settings);

    expect(verdict.result).toBe('passed');
    expect(verdict.notes).toEqual(['no job in the window; nothing to check']);
  });

  it('fails an empty window with fail-if-no-jobs', () => {
    const settings = makeSettings({ selection: WINDOW_SELECTION, failIfNoJobs: true });
    const verdict = judge(makeWatch([], { window: makeWindow() }), settings);

    expect(verdict.result).toBe('failed');
    expect(verdict.reasons).toEqual(['no job in the window, and fail-if-no-jobs is true']);
  });

  it('names the status filter of an empty window', () => {
    const settings = makeSettings({ selection: { ...WINDOW_SELECTION, status: 'FAILED' }, failIfNoJobs: true });
    const verdict = judge(makeWatch([], { window: makeWindow({ status: 'FAILED' }) }), settings);

    expect(verdict.reasons).toEqual(['no job in the window with status FAILED, and fail-if-no-jobs is true']);
  });

  it('fails when jobs of the window were not read', () => {
    const jobs = [watched(makeJob({ jobId: 'a' })), watched(makeJob({ jobId: 'b' }))];
    const settings = makeSettings({ selection: WINDOW_SELECTION });
    const verdict = judge(makeWatch(jobs, { window: makeWindow({ total: 1500, unread: 1498 }) }), settings);

    expect(verdict.result).toBe('failed');
    expect(verdict.reasons).toEqual(['1498 jobs of the window could not be read: 1500 jobs in the window, 2 read']);
  });
});

describe('judge many reasons', () => {
  it('lists every reason', () => {
    const jobs = [
      watched(makeJob({ jobId: 'f', jobStatus: 'FAILED', totalItems: 100, processedItems: 80, failedItems: 20 })),
      watched(makeJob({ jobId: 'c', jobStatus: 'CONFLICT', totalItems: 100, processedItems: 90, conflictItems: 10 })),
      watched(makeJob({ jobId: 's', totalItems: 100, processedItems: 50, skippedItems: 50 })),
      watched(makeJob({ jobId: 'x', jobStatus: 'CANCELLED', totalItems: 100, processedItems: 100 })),
      watched(makeJob({ jobId: 'u', jobStatus: null, rawStatus: 'LOST' })),
      unreadable('r', 'status 500'),
    ];
    const settings = makeSettings({
      selection: WINDOW_SELECTION,
      maxFailedItems: count(5),
      maxConflictItems: percent(1),
      maxSkippedItems: count(10),
      failOnStatus: ['FAILED', 'CANCELLED'],
    });
    const verdict = judge(makeWatch(jobs, { window: makeWindow({ total: 8, unread: 2 }) }), settings);

    expect(verdict.result).toBe('failed');
    expect(verdict.reasons).toEqual([
      'failedItems 20 > max-failed-items 5',
      'conflictItems 10 (2.00% of 500 items) > max-conflict-items 1% (5 items)',
      'skippedItems 50 > max-skipped-items 10',
      '1 job ended FAILED, which fail-on-status lists: f',
      '1 job ended CANCELLED, which fail-on-status lists: x',
      'job u has unknown status "LOST"; a status this action does not know never counts as success',
      '1 job could not be read (r): status 500',
      '2 jobs of the window could not be read: 8 jobs in the window, 6 read',
    ]);
  });
});

describe('sumTotals', () => {
  it('adds every count', () => {
    const totals = sumTotals([
      makeJob({ totalItems: 10, processedItems: 5, failedItems: 1, skippedItems: 2, conflictItems: 2 }),
      makeJob({ totalItems: 20, processedItems: 20 }),
    ]);

    expect(totals).toEqual({ totalItems: 30, processedItems: 25, failedItems: 1, skippedItems: 2, conflictItems: 2 });
  });
});
