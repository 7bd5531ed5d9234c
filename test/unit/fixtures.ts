// Hand-built jobs, settings and watch results for the unit tests. Each builder fills every field
// with a neutral value, so a test states only the fields it is about.

import type { Job, JobStatus } from '../../src/marqo/job.ts';
import type { Settings } from '../../src/settings.ts';
import type { JobPhase, WatchResult, WatchedJob, WatchWindow } from '../../src/watch.ts';

export const CREATED_AT = '2026-03-02T09:15:04.120931+00:00';
export const CREATED_AT_MICROS = 1_772_442_904_120_931;

/** Builds a COMPLETED job of 100 items, all processed, with `overrides` applied. */
export function makeJob(overrides: Partial<Job> = {}): Job {
  const jobId = overrides.jobId ?? 'job-1';
  const jobStatus: JobStatus | null = overrides.jobStatus === undefined ? 'COMPLETED' : overrides.jobStatus;
  // Typed on its own, so that a field added to Job fails to compile here.
  const defaults: Job = {
    jobId,
    jobType: 'BULK',
    jobStatus,
    rawStatus: jobStatus ?? 'UNKNOWN',
    totalItems: 100,
    processedItems: 100,
    failedItems: 0,
    skippedItems: 0,
    conflictItems: 0,
    errorMessage: null,
    failedItemsDetails: {},
    errorSummary: {},
    skippedItemsDetails: {},
    skippedSummary: {},
    conflictingJobIds: {},
    conflictDocumentIds: {},
    conflictDetailCounts: {},
    conflictSummary: {},
    createdAt: CREATED_AT,
    createdAtMicros: CREATED_AT_MICROS,
    startedAt: '2026-03-02T09:15:05.000000+00:00',
    completedAt: '2026-03-02T09:16:05.000000+00:00',
    progressPercentage: 100,
    estimatedTimeMinutes: null,
    raw: {},
  };
  const job: Job = { ...defaults, ...overrides };
  if (Object.keys(job.raw).length === 0) job.raw = { jobId, jobStatus: job.rawStatus, totalItems: job.totalItems };
  return job;
}

function phaseOf(job: Job): JobPhase {
  if (job.jobStatus === null) return 'unknown-status';
  return job.jobStatus === 'PENDING' || job.jobStatus === 'IN_PROGRESS' ? 'active' : 'terminal';
}

/** Wraps a job as a watched job whose phase follows from its status. */
export function watched(job: Job): WatchedJob {
  return { jobId: job.jobId, job, phase: phaseOf(job), error: null };
}

/** Builds a watched job that could not be read. */
export function unreadable(jobId: string, error: string): WatchedJob {
  return { jobId, job: null, phase: 'unreadable', error };
}

export function makeWatch(jobs: WatchedJob[], overrides: Partial<WatchResult> = {}): WatchResult {
  const defaults: WatchResult = {
    jobs,
    window: null,
    outcome: 'settled',
    fatalError: null,
    polls: 3,
    startedAt: Date.UTC(2026, 2, 2, 9, 15, 0),
    finishedAt: Date.UTC(2026, 2, 2, 9, 17, 30),
  };
  return { ...defaults, ...overrides };
}

export function makeWindow(overrides: Partial<WatchWindow> = {}): WatchWindow {
  const defaults: WatchWindow = {
    timeFrom: '2026-03-01T09:15:00.000000+00:00',
    timeTo: '2026-03-02T09:15:00.000000+00:00',
    status: null,
    total: 0,
    unread: 0,
  };
  return { ...defaults, ...overrides };
}

/** Builds settings with the action's defaults, watching job ID job-1, with `overrides` applied. */
export function makeSettings(overrides: Partial<Settings> = {}): Settings {
  const defaults: Settings = {
    apiKey: 'test-api-key-0123456789',
    indexName: 'catalog',
    baseUrl: 'http://127.0.0.1:18081/api/v1',
    selection: { mode: 'ids', jobIds: ['job-1'] },
    wait: true,
    timeoutMs: 30 * 60_000,
    pollIntervalMs: 5000,
    maxFailedItems: { kind: 'count', value: 0, text: '0' },
    maxConflictItems: { kind: 'count', value: 0, text: '0' },
    maxSkippedItems: null,
    failOnStatus: ['CANCELLED'],
    failIfNoJobs: false,
    summary: true,
    commentOnPr: false,
    githubToken: '',
  };
  return { ...defaults, ...overrides };
}
