import { describe, expect, it } from 'vitest';
import {
  isTerminal,
  JOB_STATUSES,
  normalizeStatus,
  parseJob,
  parseJobList,
  ResponseFormatError,
} from '../../src/marqo/job.ts';
import { CREATED_AT, CREATED_AT_MICROS } from './fixtures.ts';

/** Builds a job object as the API writes it, with every documented field. */
function apiJob(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jobId: 'job-1',
    jobType: 'BULK',
    jobStatus: 'COMPLETED',
    platformData: {},
    totalItems: 10,
    processedItems: 8,
    failedItems: 1,
    skippedItems: 1,
    conflictItems: 0,
    errorMessage: null,
    failedItemsDetails: { invalid_field: ['doc-9'] },
    errorSummary: { invalid_field: 1 },
    skippedItemsDetails: { unchanged: ['doc-3'] },
    skippedSummary: { unchanged: 1 },
    conflictDetails: {},
    conflictSummary: {},
    createdAt: CREATED_AT,
    startedAt: '2026-03-02T09:15:05.000000+00:00',
    completedAt: '2026-03-02T09:15:09.500000+00:00',
    progressPercentage: 100.0,
    estimatedTimeMinutes: null,
    ...overrides,
  };
}

function formatError(run: () => unknown): ResponseFormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof ResponseFormatError) return error;
    throw error;
  }
  throw new Error('no ResponseFormatError was raised');
}

describe('normalizeStatus', () => {
  it.each(JOB_STATUSES.map((status) => [status]))('keeps %s', (status) => {
    expect(normalizeStatus(status)).toBe(status);
  });

  it.each([
    ['completed', 'COMPLETED'],
    ['in_progress', 'IN_PROGRESS'],
    ['In Progress', 'IN_PROGRESS'],
    ['in-progress', 'IN_PROGRESS'],
    [' failed ', 'FAILED'],
    ['QUEUED', 'PENDING'],
    ['queued', 'PENDING'],
    ['RUNNING', 'IN_PROGRESS'],
    ['running', 'IN_PROGRESS'],
  ])('maps %j to %s', (text, status) => {
    expect(normalizeStatus(text)).toBe(status);
  });

  it.each(['', 'DONE', 'ARCHIVED', 'active', 'SUCCESS', 'COMPLETED!', 'constructor', '__proto__', 'toString'])(
    'gives null for %j',
    (text) => {
      expect(normalizeStatus(text)).toBeNull();
    },
  );
});

describe('isTerminal', () => {
  it('splits the six statuses', () => {
    expect(JOB_STATUSES.filter(isTerminal)).toEqual(['COMPLETED', 'FAILED', 'CONFLICT', 'CANCELLED']);
  });
});

describe('parseJob fields', () => {
  it('reads a full job', () => {
    const raw = apiJob();
    const job = parseJob(raw);

    expect(job.jobId).toBe('job-1');
    expect(job.jobType).toBe('BULK');
    expect(job.jobStatus).toBe('COMPLETED');
    expect(job.rawStatus).toBe('COMPLETED');
    expect(job.totalItems).toBe(10);
    expect(job.processedItems).toBe(8);
    expect(job.failedItems).toBe(1);
    expect(job.skippedItems).toBe(1);
    expect(job.conflictItems).toBe(0);
    expect(job.errorMessage).toBeNull();
    expect(job.failedItemsDetails).toEqual({ invalid_field: ['doc-9'] });
    expect(job.errorSummary).toEqual({ invalid_field: 1 });
    expect(job.skippedItemsDetails).toEqual({ unchanged: ['doc-3'] });
    expect(job.skippedSummary).toEqual({ unchanged: 1 });
    expect(job.createdAt).toBe(CREATED_AT);
    expect(job.createdAtMicros).toBe(CREATED_AT_MICROS);
    expect(job.startedAt).toBe('2026-03-02T09:15:05.000000+00:00');
    expect(job.completedAt).toBe('2026-03-02T09:15:09.500000+00:00');
    expect(job.progressPercentage).toBe(100);
    expect(job.estimatedTimeMinutes).toBeNull();
    expect(job.raw).toBe(raw);
  });

  it('fills optional fields when missing', () => {
    const job = parseJob({
      jobId: 'j',
      jobStatus: 'PENDING',
      createdAt: CREATED_AT,
      totalItems: 5,
      processedItems: 0,
      failedItems: 0,
    });

    expect(job.jobType).toBe('');
    expect(job.skippedItems).toBe(0);
    expect(job.conflictItems).toBe(0);
    expect(job.errorMessage).toBeNull();
    expect(job.failedItemsDetails).toEqual({});
    expect(job.errorSummary).toEqual({});
    expect(job.conflictingJobIds).toEqual({});
    expect(job.startedAt).toBeNull();
    expect(job.completedAt).toBeNull();
    expect(job.progressPercentage).toBeNull();
    expect(job.estimatedTimeMinutes).toBeNull();
  });

  it('drops an unreadable startedAt', () => {
    const job = parseJob(apiJob({ startedAt: 'soon', completedAt: '2026-02-31T00:00:00Z' }));

    expect(job.startedAt).toBeNull();
    expect(job.completedAt).toBeNull();
  });

  it.each([
    ['jobId', undefined, 'nothing (the field is missing)'],
    ['jobId', '', 'the string ""'],
    ['jobId', 42, 'number 42'],
    ['jobStatus', undefined, 'nothing'],
    ['jobStatus', null, 'null'],
    ['jobStatus', ['COMPLETED'], 'an array of 1'],
    ['createdAt', undefined, 'nothing'],
    ['createdAt', 1772442904, 'number'],
    ['createdAt', 'yesterday', 'an ISO 8601 timestamp'],
    ['createdAt', '2026-02-31T00:00:00+00:00', 'the string "2026-02-31T00:00:00+00:00"'],
    ['jobType', 7, 'should be a string'],
    ['totalItems', undefined, 'a whole number of 0 or more'],
    ['totalItems', '10', 'the string "10"'],
    ['totalItems', -1, 'number -1'],
    ['totalItems', 1.5, 'number 1.5'],
    ['processedItems', undefined, 'nothing'],
    ['processedItems', null, 'null'],
    ['failedItems', undefined, 'nothing'],
    ['failedItems', true, 'boolean true'],
    ['skippedItems', 'none', 'a whole number'],
    ['conflictItems', {}, 'an object'],
    ['errorMessage', 500, 'a string or null'],
    ['errorMessage', { text: 'x' }, 'an object'],
    ['failedItemsDetails', ['doc-1'], 'an object of ID lists'],
    ['failedItemsDetails', 'doc-1', 'an object of ID lists'],
    ['errorSummary', [1], 'an object of counts'],
    ['skippedItemsDetails', 3, 'an object of ID lists'],
    ['skippedSummary', 'one', 'an object of counts'],
    ['conflictDetails', ['x'], 'an object'],
    ['conflictSummary', 2, 'an object of counts'],
    ['progressPercentage', '50', 'a number or null'],
    ['estimatedTimeMinutes', 'soon', 'a number or null'],
  ])('names %s when it is %j', (field, value, described) => {
    const error = formatError(() => parseJob(apiJob({ [field]: value })));

    expect(error.field).toBe(field);
    expect(error.message).toContain(`field ${field} should be`);
    expect(error.message).toContain(described);
  });

  it('names the key of a bad ID list', () => {
    const error = formatError(() => parseJob(apiJob({ failedItemsDetails: { invalid_field: 'doc-9' } })));

    expect(error.field).toBe('failedItemsDetails.invalid_field');
    expect(error.message).toContain('should be an array');
  });

  it('names the key of a bad count', () => {
    const error = formatError(() => parseJob(apiJob({ errorSummary: { invalid_field: '1' } })));

    expect(error.field).toBe('errorSummary.invalid_field');
    expect(error.message).toContain('a number of 0 or more');
  });

  it('rejects a negative skipped count', () => {
    const error = formatError(() => parseJob(apiJob({ skippedSummary: { unchanged: -1 } })));

    expect(error.field).toBe('skippedSummary.unchanged');
  });

  it.each([null, 'job', 42, [apiJob()]])('rejects %j as a job', (value) => {
    const error = formatError(() => parseJob(value));

    expect(error.field).toBe('job');
    expect(error.message).toContain('should be an object');
  });

  it('cuts a long string in its message', () => {
    const error = formatError(() => parseJob(apiJob({ createdAt: 'x'.repeat(500) })));

    expect(error.message).toContain(`"${'x'.repeat(40)}…"`);
    expect(error.message).not.toContain('x'.repeat(41));
  });
});

describe('parseJob statuses', () => {
  it.each([
    ['completed', 'COMPLETED'],
    ['failed', 'FAILED'],
    ['QUEUED', 'PENDING'],
    ['Running', 'IN_PROGRESS'],
  ])('normalises %j', (raw, status) => {
    const job = parseJob(apiJob({ jobStatus: raw }));

    expect(job.jobStatus).toBe(status);
    expect(job.rawStatus).toBe(raw);
  });

  it('keeps an unknown status raw', () => {
    const job = parseJob(apiJob({ jobStatus: 'ARCHIVED' }));

    expect(job.jobStatus).toBeNull();
    expect(job.rawStatus).toBe('ARCHIVED');
  });
});

describe('parseJob ID lists', () => {
  it('keeps a list of strings as the same array', () => {
    const ids = Array.from({ length: 100_000 }, (_, index) => `doc-${index}`);
    const job = parseJob(
      apiJob({ failedItemsDetails: { invalid_field: ids }, skippedItemsDetails: { unchanged: ids } }),
    );

    expect(job.failedItemsDetails.invalid_field).toBe(ids);
    expect(job.skippedItemsDetails.unchanged).toBe(ids);
  });

  it('turns other entries into strings', () => {
    const entries = [
      7,
      true,
      { _id: 'a' },
      { id: 5 },
      { documentId: 'b' },
      { docId: 'c' },
      { productId: 'd' },
      null,
      { other: 1 },
      ['x'],
    ];
    const job = parseJob(apiJob({ failedItemsDetails: { mixed: entries } }));

    expect(job.failedItemsDetails.mixed).toEqual([
      '7',
      'true',
      'a',
      '5',
      'b',
      'c',
      'd',
      'null',
      '{"other":1}',
      '["x"]',
    ]);
  });

  it('keeps hostile IDs as they are', () => {
    const ids = ['<script>alert(1)</script>', 'a|b', '`x`', '@octocat', 'line\nbreak', '::error::boom'];
    const job = parseJob(apiJob({ failedItemsDetails: { bad: ids } }));

    expect(job.failedItemsDetails.bad).toEqual(ids);
  });

  it('accepts an error type named __proto__', () => {
    const raw = JSON.parse('{"__proto__": ["doc-1"]}') as unknown;
    const job = parseJob(apiJob({ failedItemsDetails: raw }));

    expect(Object.keys(job.failedItemsDetails)).toEqual(['__proto__']);
    expect(job.failedItemsDetails.__proto__).toEqual(['doc-1']);
  });

  it('reads null details as empty', () => {
    const job = parseJob(apiJob({ failedItemsDetails: null, errorSummary: null, conflictDetails: null }));

    expect(job.failedItemsDetails).toEqual({});
    expect(job.errorSummary).toEqual({});
    expect(job.conflictingJobIds).toEqual({});
  });
});

describe('parseJob conflicts', () => {
  it('collects the conflicting job IDs', () => {
    const job = parseJob(
      apiJob({
        jobStatus: 'CONFLICT',
        conflictItems: 4,
        conflictDetails: {
          version_conflict: [
            { documentId: 'doc-1', conflictingJobId: 'job-7' },
            { documentId: 'doc-2', conflicting_job_id: 'job-8' },
            { documentId: 'doc-3', details: { jobId: 'job-9' } },
            { documentId: 'doc-4', conflictingJobIds: ['job-7', 'job-10', 5] },
          ],
          stale_write: { otherJobId: 'job-11' },
        },
        conflictSummary: { version_conflict: 4, stale_write: 1 },
      }),
    );

    expect(job.conflictingJobIds.version_conflict).toEqual(['job-7', 'job-8', 'job-9', 'job-10']);
    expect(job.conflictingJobIds.stale_write).toEqual(['job-11']);
    expect(job.conflictDetailCounts).toEqual({ version_conflict: 4, stale_write: 1 });
    expect(job.conflictSummary).toEqual({ version_conflict: 4, stale_write: 1 });
  });

  it('gives an empty list when no job is named', () => {
    const job = parseJob(apiJob({ conflictDetails: { version_conflict: [{ documentId: 'doc-1' }] } }));

    expect(job.conflictingJobIds.version_conflict).toEqual([]);
    expect(job.conflictDetailCounts.version_conflict).toBe(1);
  });

  it('collects the conflicting document IDs', () => {
    const job = parseJob(
      apiJob({
        conflictDetails: {
          version_conflict: [
            { documentId: 'doc-1', conflictingJobId: 'job-7' },
            { _id: 'doc-2' },
            'doc-3',
            { note: 'x' },
          ],
          stale_write: { document_id: 42 },
        },
      }),
    );

    expect(job.conflictDocumentIds.version_conflict).toEqual(['doc-1', 'doc-2', 'doc-3']);
    expect(job.conflictDocumentIds.stale_write).toEqual(['42']);
  });
});

describe('parseJobList', () => {
  it('reads a list response', () => {
    const list = parseJobList({
      jobs: [apiJob({ jobId: 'a' }), apiJob({ jobId: 'b', jobStatus: 'RUNNING' })],
      total: 5,
      totalDocs: 100,
      hasActiveJob: true,
      jobsByStatus: { COMPLETED: 1, IN_PROGRESS: 1 },
      timeFrom: '2026-03-01T09:15:04.000000+00:00',
      timeTo: '2026-03-02T09:15:04.000000+00:00',
    });

    expect(list.jobs.map((job) => job.jobId)).toEqual(['a', 'b']);
    expect(list.jobs[1]?.jobStatus).toBe('IN_PROGRESS');
    expect(list.total).toBe(5);
    expect(list.hasActiveJob).toBe(true);
    expect(list.timeFrom).toBe('2026-03-01T09:15:04.000000+00:00');
    expect(list.timeTo).toBe('2026-03-02T09:15:04.000000+00:00');
  });

  it('reads missing optional fields as null', () => {
    const list = parseJobList({ jobs: [], total: 0, hasActiveJob: 'no', timeFrom: 'yesterday', timeTo: 5 });

    expect(list.hasActiveJob).toBeNull();
    expect(list.timeFrom).toBeNull();
    expect(list.timeTo).toBeNull();
  });

  it.each([
    [null, 'response'],
    [[], 'response'],
    [{ total: 0 }, 'jobs'],
    [{ jobs: {}, total: 0 }, 'jobs'],
    [{ jobs: [] }, 'total'],
    [{ jobs: [], total: '0' }, 'total'],
    [{ jobs: [], total: -1 }, 'total'],
    [{ jobs: [], total: 0.5 }, 'total'],
  ])('names the field of %j', (value, field) => {
    expect(formatError(() => parseJobList(value)).field).toBe(field);
  });

  it('names the job and field inside the list', () => {
    const error = formatError(() => parseJobList({ jobs: [apiJob(), apiJob({ failedItems: 'two' })], total: 2 }));

    expect(error.field).toBe('jobs[1].failedItems');
    expect(error.message).toContain(
      'field jobs[1].failedItems should be a whole number of 0 or more, got the string "two"',
    );
  });

  it('names a job that is not an object', () => {
    const error = formatError(() => parseJobList({ jobs: [apiJob(), 'job-2'], total: 2 }));

    expect(error.field).toBe('jobs[1]');
  });

  it('names a nested details key inside the list', () => {
    const error = formatError(() =>
      parseJobList({ jobs: [apiJob({ skippedItemsDetails: { unchanged: 3 } })], total: 1 }),
    );

    expect(error.field).toBe('jobs[0].skippedItemsDetails.unchanged');
  });
});
