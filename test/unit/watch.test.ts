import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ListQuery } from '../../src/marqo/client.ts';
import type { Job, JobList, JobStatus } from '../../src/marqo/job.ts';
import type { Selection } from '../../src/settings.ts';
import { silentLogger } from '../../src/logger.ts';
import { nextPauseMs, type ActiveJobProgress } from '../../src/schedule.ts';
import { formatTimestamp, parseTimestamp } from '../../src/time.ts';
import { LIST_LIMIT, watchJobs, type JobsApi, type WatchResult } from '../../src/watch.ts';
import { makeJob, makeSettings } from './fixtures.ts';

const NOW_MS = Date.UTC(2026, 2, 2, 12, 0, 0);
const DAY_US = 86_400_000_000;
const WINDOW_FROM = formatTimestamp((NOW_MS - 20 * 3_600_000) * 1000);
const MAX_CALLS = 500;

/** A job of the fake service: its status at each moment of the fake clock. */
interface FakeJob {
  jobId: string;
  createdAtMicros: number;
  /** Epoch ms when the job becomes COMPLETED, IN_PROGRESS before. When null, the job keeps `status`. */
  endsAtMs: number | null;
  /** Epoch ms from which progressPercentage grows evenly to 100 at endsAtMs; without it, progress is null. */
  startsAtMs?: number;
  status: JobStatus;
}

interface Call {
  kind: 'get' | 'list';
  jobId?: string;
  query?: ListQuery;
  /** Epoch ms on the fake clock. */
  atMs: number;
}

/**
 * A jobs API in memory that follows the list contract: jobs newest first (ties by ascending ID),
 * `total` over the whole window, at most `limit` jobs a call. With `ignoreTimeTo` it behaves
 * like a broken service that drops the timeTo parameter.
 */
class FakeJobsApi implements JobsApi {
  readonly calls: Call[] = [];
  private readonly jobs: FakeJob[];
  private readonly ignoreTimeTo: boolean;

  constructor(jobs: FakeJob[], options: { ignoreTimeTo?: boolean } = {}) {
    this.jobs = [...jobs].sort((a, b) => b.createdAtMicros - a.createdAtMicros || (a.jobId < b.jobId ? -1 : 1));
    this.ignoreTimeTo = options.ignoreTimeTo ?? false;
  }

  async getJob(jobId: string): Promise<Job> {
    this.calls.push({ kind: 'get', jobId, atMs: Date.now() });
    const job = this.jobs.find((candidate) => candidate.jobId === jobId);
    if (!job) throw new ApiError('not-found', 'status 404 (Job not found)', 404);
    return render(job);
  }

  async listJobs(query: ListQuery): Promise<JobList> {
    this.calls.push({ kind: 'list', query, atMs: Date.now() });
    // A watcher that loops would otherwise hang the test: its calls resolve at once, so no timer fires.
    if (this.calls.length > MAX_CALLS) throw new Error(`more than ${MAX_CALLS} calls to the jobs API`);
    const nowUs = Date.now() * 1000;
    const fromUs = query.timeFrom ? micros(query.timeFrom) : nowUs - DAY_US;
    const toUs = query.timeTo && !this.ignoreTimeTo ? micros(query.timeTo) : nowUs;
    const matching = this.jobs.filter(
      (job) =>
        job.createdAtMicros >= fromUs &&
        job.createdAtMicros <= toUs &&
        (!query.status || statusAt(job) === query.status),
    );
    return {
      jobs: matching.slice(0, query.limit).map(render),
      total: matching.length,
      hasActiveJob: null,
      timeFrom: formatTimestamp(fromUs),
      timeTo: formatTimestamp(toUs),
    };
  }

  lists(): ListQuery[] {
    return this.calls.flatMap((call) => (call.kind === 'list' && call.query ? [call.query] : []));
  }

  gets(): string[] {
    return this.calls.flatMap((call) => (call.kind === 'get' && call.jobId ? [call.jobId] : []));
  }
}

function micros(text: string): number {
  const parsed = parseTimestamp(text);
  if (parsed === null) throw new Error(`invalid timestamp ${text}`);
  return parsed.micros;
}

function statusAt(job: FakeJob): JobStatus {
  if (job.endsAtMs === null) return job.status;
  return Date.now() >= job.endsAtMs ? 'COMPLETED' : 'IN_PROGRESS';
}

function progressOf(job: FakeJob): number | null {
  if (job.startsAtMs === undefined || job.endsAtMs === null) return null;
  const fraction = (Date.now() - job.startsAtMs) / (job.endsAtMs - job.startsAtMs);
  return Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 10;
}

function render(job: FakeJob): Job {
  const status = statusAt(job);
  const done = status !== 'PENDING' && status !== 'IN_PROGRESS';
  return makeJob({
    jobId: job.jobId,
    jobStatus: status,
    rawStatus: status,
    createdAt: formatTimestamp(job.createdAtMicros),
    createdAtMicros: job.createdAtMicros,
    processedItems: done ? 100 : 40,
    progressPercentage: done ? 100 : progressOf(job),
    completedAt: done ? '2026-03-02T11:00:00.000000+00:00' : null,
  });
}

/** `count` COMPLETED jobs created 20 seconds apart, the newest `minutesAgo` before now. */
function spreadJobs(count: number, prefix: string, minutesAgo = 0): FakeJob[] {
  return Array.from({ length: count }, (_, index) => ({
    jobId: `${prefix}${String(index).padStart(5, '0')}`,
    createdAtMicros: (NOW_MS - minutesAgo * 60_000 - (index + 1) * 20_000) * 1000,
    endsAtMs: null,
    status: 'COMPLETED',
  }));
}

/** `count` jobs that share one createdAt, `minutesAgo` before now. */
function pile(count: number, prefix: string, minutesAgo: number, status: (index: number) => JobStatus): FakeJob[] {
  const createdAtMicros = (NOW_MS - minutesAgo * 60_000) * 1000 + 123;
  return Array.from({ length: count }, (_, index) => ({
    jobId: `${prefix}${String(index).padStart(5, '0')}`,
    createdAtMicros,
    endsAtMs: null,
    status: status(index),
  }));
}

function windowSelection(status: JobStatus | null = null): Selection {
  return { mode: 'window', timeFrom: WINDOW_FROM, timeTo: null, status };
}

/** Runs watchJobs on the fake clock until it returns. */
async function watch(api: JobsApi, selection: Selection, wait = false): Promise<WatchResult> {
  const controller = new AbortController();
  const running = watchJobs({
    settings: makeSettings({ selection, wait, pollIntervalMs: 5000, timeoutMs: 10 * 60_000 }),
    api,
    log: silentLogger,
    signal: controller.signal,
    deadline: Date.now() + 10 * 60_000,
  });
  // Awaited together, so a watcher that throws fails the test where it runs.
  const [result] = await Promise.all([running, vi.runAllTimersAsync()]);
  return result;
}

function ids(result: WatchResult): Set<string> {
  return new Set(result.jobs.map((watched) => watched.jobId));
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW_MS });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('watchJobs window selection', () => {
  it('reads 2,500 jobs in three list calls', async () => {
    const jobs = spreadJobs(2500, 'job-');
    const api = new FakeJobsApi(jobs);

    const result = await watch(api, windowSelection());

    expect(api.lists()).toHaveLength(3);
    expect(api.gets()).toEqual([]);
    expect(result.jobs).toHaveLength(2500);
    expect(ids(result)).toEqual(new Set(jobs.map((job) => job.jobId)));
    expect(result.window?.total).toBe(2500);
    expect(result.window?.unread).toBe(0);
  });

  it('reads a pile larger than a page by status', async () => {
    const statuses: JobStatus[] = ['COMPLETED', 'FAILED', 'CONFLICT', 'CANCELLED'];
    const jobs = [
      ...pile(1500, 'pile-', 30, (index) => statuses[index % 4] as JobStatus),
      ...spreadJobs(300, 'old-', 60),
    ];
    const api = new FakeJobsApi(jobs);

    const result = await watch(api, windowSelection());

    expect(result.jobs).toHaveLength(1800);
    expect(ids(result)).toEqual(new Set(jobs.map((job) => job.jobId)));
    expect(result.window?.unread).toBe(0);
    const statusQueries = api
      .lists()
      .filter((query) => query.status)
      .map((query) => query.status);
    expect(statusQueries).toEqual(['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CONFLICT', 'CANCELLED']);
    expect(api.lists().length).toBeLessThanOrEqual(10);
  });

  it('counts the unread part of a pile with a status filter', async () => {
    const jobs = [...pile(1200, 'failed-', 30, () => 'FAILED'), ...spreadJobs(50, 'done-')];
    const api = new FakeJobsApi(jobs);

    const result = await watch(api, windowSelection('FAILED'));

    expect(result.jobs).toHaveLength(1000);
    expect(result.window?.total).toBe(1200);
    expect(result.window?.unread).toBe(200);
    expect(api.lists().every((query) => query.status === 'FAILED')).toBe(true);
    expect(api.lists().length).toBeLessThanOrEqual(3);
  });

  it('stops when the service ignores timeTo', async () => {
    const api = new FakeJobsApi(spreadJobs(2000, 'job-'), { ignoreTimeTo: true });

    const result = await watch(api, windowSelection());

    expect(api.lists()).toHaveLength(2);
    expect(result.jobs).toHaveLength(LIST_LIMIT);
    expect(result.window?.unread).toBe(1000);
  });

  it('stops when a pile comes back below its createdAt', async () => {
    const api = new FakeJobsApi(
      pile(2000, 'pile-', 30, () => 'COMPLETED'),
      { ignoreTimeTo: true },
    );

    const result = await watch(api, windowSelection());

    // The first page, the pile and its six statuses, and the page that ignored timeTo.
    expect(api.lists()).toHaveLength(9);
    expect(result.jobs).toHaveLength(LIST_LIMIT);
    expect(result.window?.unread).toBe(1000);
  });
});

describe('watchJobs polling', () => {
  it('polls 50 active jobs with one list call per poll', async () => {
    const jobs = spreadJobs(50, 'job-').map((job, index) => ({ ...job, endsAtMs: NOW_MS + 2000 + index * 200 }));
    const api = new FakeJobsApi(jobs);

    const result = await watch(api, windowSelection(), true);

    expect(result.outcome).toBe('settled');
    expect(result.jobs.every((watched) => watched.job?.jobStatus === 'COMPLETED')).toBe(true);
    expect(api.gets()).toEqual([]);
    // One list call to select the window, then one per poll.
    expect(api.lists()).toHaveLength(result.polls);
  });

  it('pages through a span larger than a page', async () => {
    const jobs = spreadJobs(2500, 'job-');
    const active = jobs.filter((_, index) => index % 50 === 0);
    active.forEach((job, index) => (job.endsAtMs = NOW_MS + 3000 + index * 100));
    const api = new FakeJobsApi(jobs);

    const result = await watch(api, windowSelection(), true);

    expect(result.outcome).toBe('settled');
    expect(result.jobs.filter((watched) => watched.job?.jobStatus === 'COMPLETED')).toHaveLength(2500);
    // Every poll reads the 50 active jobs in three pages, so no job is read on its own.
    expect(api.gets()).toEqual([]);
    const pollLists = api.lists().slice(3);
    expect(pollLists.length).toBeLessThanOrEqual(3 * (result.polls - 1));
    expect(
      pollLists.every((query) => query.timeFrom === formatTimestamp(active[active.length - 1]!.createdAtMicros)),
    ).toBe(true);
  });

  it('reads jobs one by one when a page covers one of them', async () => {
    const jobs = spreadJobs(1500, 'job-');
    const newest = jobs[0]!;
    const oldest = jobs[1499]!;
    newest.endsAtMs = NOW_MS + 4000;
    oldest.endsAtMs = NOW_MS + 4000;
    const api = new FakeJobsApi(jobs);

    const result = await watch(api, windowSelection(), true);

    expect(result.outcome).toBe('settled');
    const pollLists = api.lists().slice(2);
    // The first poll's page covers only the newest job, so later polls read both jobs one by one.
    expect(pollLists).toHaveLength(1);
    expect(api.gets().filter((jobId) => jobId === newest.jobId).length).toBe(result.polls - 2);
    expect(api.gets().filter((jobId) => jobId === oldest.jobId).length).toBe(result.polls - 1);
  });

  it('reads the rest of a large pile one by one', async () => {
    // Each status of the pile fits in a page, so the window is read whole.
    const jobs = pile(1200, 'pile-', 30, (index) => (index % 2 === 0 ? 'COMPLETED' : 'FAILED'));
    const lastTwo = jobs.slice(-2);
    const firstTwo = jobs.slice(0, 2);
    for (const job of [...firstTwo, ...lastTwo]) job.endsAtMs = NOW_MS + 2500;
    const api = new FakeJobsApi(jobs);

    const result = await watch(api, windowSelection(), true);

    expect(result.outcome).toBe('settled');
    expect(result.jobs).toHaveLength(1200);
    expect(result.window?.unread).toBe(0);
    expect(result.jobs.filter((watched) => watched.phase === 'active')).toEqual([]);
    // The page covers the first two active jobs. The two beyond the first page of the pile are read one by one.
    const gets = new Set(api.gets());
    expect(gets).toEqual(new Set(lastTwo.map((job) => job.jobId)));
  });

  it('polls just after the last job ends', async () => {
    const jobs = spreadJobs(20, 'job-').map((job, index) => ({
      ...job,
      startsAtMs: NOW_MS - 10_000,
      endsAtMs: NOW_MS + 10_000 + index * 2000,
    }));
    const lastEnd = NOW_MS + 10_000 + 19 * 2000;
    const api = new FakeJobsApi(jobs);

    const result = await watch(api, windowSelection(), true);

    expect(result.outcome).toBe('settled');
    expect(result.finishedAt).toBeGreaterThanOrEqual(lastEnd);
    expect(result.finishedAt - lastEnd).toBeLessThanOrEqual(1000);
    const times = api.calls.map((call) => call.atMs);
    const pauses = times.slice(1).map((at, index) => at - (times[index] as number));
    expect(Math.max(...pauses)).toBeLessThanOrEqual(5000);
    // One list call per poll, about one every 5 seconds over the 48 seconds.
    expect(api.calls.length).toBeLessThanOrEqual(15);
  });
});

describe('nextPauseMs with several jobs', () => {
  const now = NOW_MS;
  const job = (overrides: Partial<ActiveJobProgress>): ActiveJobProgress => ({
    etaAt: null,
    progressPercentage: null,
    estimatedTimeMinutes: null,
    ...overrides,
  });
  const pause = (active: ActiveJobProgress[], pollIntervalMs = 5000): number =>
    nextPauseMs({ pollIntervalMs, pollCount: 30, overdueStreak: 0, now, active });

  it('stays long while one job is far from done', () => {
    expect(pause([job({ progressPercentage: 95 }), job({ progressPercentage: 20 })])).toBe(5000);
    expect(pause([job({ estimatedTimeMinutes: 0 }), job({ estimatedTimeMinutes: 4 })])).toBe(5000);
  });

  it('shortens when every job is near done', () => {
    expect(pause([job({ progressPercentage: 95 }), job({ progressPercentage: 91 })])).toBe(1000);
    expect(pause([job({ progressPercentage: 99 }), job({ estimatedTimeMinutes: 0 })])).toBe(1000);
  });

  it('caps the pause at the largest estimate', () => {
    const interval = 10 * 60_000;

    expect(pause([job({ estimatedTimeMinutes: 2 }), job({ estimatedTimeMinutes: 3 })], interval)).toBe(3 * 60_000);
    expect(pause([job({ estimatedTimeMinutes: 2 }), job({ estimatedTimeMinutes: null })], interval)).toBe(interval);
    expect(pause([job({ estimatedTimeMinutes: 30 })], interval)).toBe(interval);
  });

  it('keeps a second for a negative estimate', () => {
    expect(pause([job({ estimatedTimeMinutes: -5 }), job({ estimatedTimeMinutes: -1 })])).toBe(1000);
  });
});

describe('watchJobs log', () => {
  it('logs a line a minute while waiting', async () => {
    // One job that never moves and a poll interval longer than a minute: only the heartbeat speaks.
    const stalled: FakeJob = {
      jobId: 'job-stalled',
      createdAtMicros: (NOW_MS - 60_000) * 1000,
      endsAtMs: null,
      status: 'IN_PROGRESS',
    };
    const api = new FakeJobsApi([stalled]);
    const lines: { atMs: number; message: string }[] = [];
    const log = { ...silentLogger, info: (message: string) => lines.push({ atMs: Date.now(), message }) };
    const timeoutMs = 5 * 60_000;

    const running = watchJobs({
      settings: makeSettings({
        selection: { mode: 'ids', jobIds: ['job-stalled'] },
        wait: true,
        pollIntervalMs: 10 * 60_000,
        timeoutMs,
      }),
      api,
      log,
      signal: new AbortController().signal,
      deadline: NOW_MS + timeoutMs,
    });
    const [result] = await Promise.all([running, vi.runAllTimersAsync()]);

    expect(result.outcome).toBe('timed-out');
    const times = [NOW_MS, ...lines.map((line) => line.atMs), NOW_MS + timeoutMs];
    const gaps = times.slice(1).map((time, index) => time - (times[index] as number));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(60_000);
    expect(lines.some((line) => line.message.startsWith('Still waiting: 1 of 1 job(s) active'))).toBe(true);
  });
});
