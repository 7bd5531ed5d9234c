import type { Settings } from './settings.ts';
import { ApiError, type ListQuery } from './marqo/client.ts';
import { isTerminal, JOB_STATUSES, type Job, type JobList, type JobStatus } from './marqo/job.ts';
import { nextPauseMs, ProgressTracker } from './schedule.ts';
import { formatDuration, formatTimestamp, microsFromMs, parseTimestamp } from './time.ts';
import { logSafe, type Logger } from './logger.ts';

/** The calls of the jobs API that the watcher makes; MarqoJobsClient implements it. */
export interface JobsApi {
  getJob(jobId: string): Promise<Job>;
  listJobs(query: ListQuery): Promise<JobList>;
}

export type JobPhase = 'active' | 'terminal' | 'unknown-status' | 'unreadable';

/** A watched job: its latest object from the API and its phase. */
export interface WatchedJob {
  jobId: string;
  /** Latest job object, or null when it was never read. */
  job: Job | null;
  phase: JobPhase;
  /** The reason the job could not be read (phase 'unreadable'), or the last failed read of an active job. */
  error: string | null;
}

export type WatchOutcome = 'settled' | 'snapshot' | 'timed-out' | 'cancelled' | 'error';

export interface WatchWindow {
  timeFrom: string | null;
  timeTo: string | null;
  status: JobStatus | null;
  /** Jobs in the window by the service's count. */
  total: number;
  /** Jobs of the window that could not be read, as pages of the list endpoint cap at 1,000. */
  unread: number;
}

export interface WatchResult {
  jobs: WatchedJob[];
  window: WatchWindow | null;
  outcome: WatchOutcome;
  /** An error that ended the whole watch (bad API key, unknown index), or null. */
  fatalError: string | null;
  polls: number;
  startedAt: number;
  finishedAt: number;
}

export interface WatchOptions {
  settings: Settings;
  api: JobsApi;
  log: Logger;
  signal: AbortSignal;
  /** Epoch milliseconds of the one deadline. */
  deadline: number;
  now?: () => number;
}

export const LIST_LIMIT = 1000;
/** A job that returns 404 may be too new to be listed, so it is requested again for this long. */
export const NOT_FOUND_GRACE_MS = 10_000;
/** The error of an active job that has returned 404 so far, within NOT_FOUND_GRACE_MS. */
export const NOT_FOUND_YET = 'not found yet';
const NOT_FOUND_RETRY_MS = 2000;
const CONCURRENCY = 4;
const HEARTBEAT_MS = 60_000;
/** The last poll is made this long before the deadline, so that its response arrives in time. */
const LAST_POLL_LEAD_MS = 500;
// Beyond this many jobs, progress is logged as one line per poll, not one line per job.
const PER_JOB_PROGRESS_LIMIT = 20;
// Jobs created before this age are polled one by one: a list call for them could cross the
// service's 30-day limit by the time it arrives.
const MAX_LIST_AGE_MS = 29 * 86_400_000;

class FatalWatchError extends Error {}

/** Fits a job ID into one log line: IDs listed by the API are data and may contain anything. */
function shortId(jobId: string): string {
  const safe = logSafe(jobId);
  return safe.length > 80 ? `${safe.slice(0, 80)}…` : safe;
}

async function mapConcurrent<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  });
  // Every worker finishes before the first error is passed on, so no request outlives the call.
  const results = await Promise.allSettled(workers);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Describes a job's progress in one line: `IN_PROGRESS 45% (225 of 500 items processed)`. */
export function describeJob(job: Job): string {
  const status = job.jobStatus ?? `unknown status ${JSON.stringify(job.rawStatus)}`;
  const parts = [`${job.processedItems} of ${job.totalItems} items processed`];
  if (job.failedItems > 0) parts.push(`${job.failedItems} failed`);
  if (job.conflictItems > 0) parts.push(`${job.conflictItems} in conflict`);
  if (job.skippedItems > 0) parts.push(`${job.skippedItems} skipped`);
  const percent =
    job.progressPercentage !== null && !isTerminal(job.jobStatus ?? 'PENDING')
      ? ` ${Math.floor(job.progressPercentage)}%`
      : '';
  return `${status}${percent} (${parts.join(', ')})`;
}

/**
 * Watches the selected jobs until each is terminal, the deadline passes or the run is
 * cancelled, and returns every job's latest state. It never throws for API failures: a job
 * that cannot be read is returned as unreadable, and an error that stops everything (a bad
 * API key, an unknown index) is returned in `fatalError`.
 */
export async function watchJobs(options: WatchOptions): Promise<WatchResult> {
  const watcher = new Watcher(options);
  return watcher.run();
}

class Watcher {
  private readonly settings: Settings;
  private readonly api: JobsApi;
  private readonly log: Logger;
  private readonly signal: AbortSignal;
  private readonly deadline: number;
  private readonly now: () => number;
  private readonly jobs = new Map<string, WatchedJob>();
  private readonly progress = new Map<string, ProgressTracker>();
  private readonly notFoundSince = new Map<string, number>();
  private indexCheck: Promise<void> | null = null;
  private listPolling = true;
  private polls = 0;
  private lastLogAt: number;
  private lastAggregate = '';
  private window: WatchWindow | null = null;

  constructor(options: WatchOptions) {
    this.settings = options.settings;
    this.api = options.api;
    this.log = options.log;
    this.signal = options.signal;
    this.deadline = options.deadline;
    this.now = options.now ?? Date.now;
    this.lastLogAt = this.now();
  }

  async run(): Promise<WatchResult> {
    const startedAt = this.now();
    let outcome: WatchOutcome;
    let fatalError: string | null = null;
    try {
      await this.log.group('Selecting jobs', () => this.select());
      if (this.signal.aborted) outcome = 'cancelled';
      else if (!this.settings.wait) {
        await this.settleNotFound();
        outcome = this.signal.aborted ? 'cancelled' : 'snapshot';
      } else {
        outcome = await this.log.group(`Waiting for ${this.count('active')} active job(s)`, () =>
          this.pollUntilSettled(),
        );
      }
    } catch (error) {
      if (error instanceof ApiError && error.kind === 'cancelled') outcome = 'cancelled';
      else if (error instanceof ApiError && error.kind === 'deadline') outcome = 'timed-out';
      else if (error instanceof FatalWatchError) {
        outcome = 'error';
        fatalError = error.message;
        for (const watched of this.jobs.values()) {
          if (watched.phase === 'active') {
            watched.phase = 'unreadable';
            watched.error = error.message;
          }
        }
      } else throw error;
    }
    if (this.signal.aborted) outcome = 'cancelled';
    return {
      jobs: [...this.jobs.values()],
      window: this.window,
      outcome,
      fatalError,
      polls: this.polls,
      startedAt,
      finishedAt: this.now(),
    };
  }

  private count(phase: JobPhase): number {
    let total = 0;
    for (const watched of this.jobs.values()) if (watched.phase === phase) total += 1;
    return total;
  }

  // Selection

  private async select(): Promise<void> {
    const selection = this.settings.selection;
    this.polls += 1;
    if (selection.mode === 'ids') {
      for (const jobId of selection.jobIds) this.jobs.set(jobId, { jobId, job: null, phase: 'active', error: null });
      this.log.info(
        `Watching ${selection.jobIds.length} job(s) of index ${JSON.stringify(this.settings.indexName)}: ${selection.jobIds.join(', ')}`,
      );
      await this.fetchEach(selection.jobIds);
    } else {
      await this.readWindow(selection.timeFrom, selection.timeTo, selection.status);
    }
    this.log.info(this.tally());
  }

  private tally(): string {
    const byStatus = new Map<string, number>();
    for (const watched of this.jobs.values()) {
      let key: string;
      if (watched.job) key = watched.job.jobStatus ?? 'unknown status';
      else key = watched.phase === 'unreadable' ? 'unreadable' : NOT_FOUND_YET;
      byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
    }
    const parts = [...byStatus.entries()].map(([status, count]) => `${count} ${status}`);
    return `${this.jobs.size} job(s): ${parts.length > 0 ? parts.join(', ') : 'none'}`;
  }

  private async list(query: ListQuery): Promise<JobList> {
    try {
      return await this.api.listJobs(query);
    } catch (error) {
      throw this.escalate(error, 'list');
    }
  }

  /** Turns errors that concern every job into a FatalWatchError; others pass through. */
  private escalate(error: unknown, call: 'list' | 'get'): unknown {
    if (!(error instanceof ApiError)) return error;
    if (error.kind === 'unauthorized') return new FatalWatchError(`The API rejected the key: ${error.message}`);
    if (error.kind === 'not-found' && call === 'list') {
      return new FatalWatchError(
        `Index ${JSON.stringify(this.settings.indexName)} not found (${error.message}). Check index-name and base-url.`,
      );
    }
    if (
      call === 'list' &&
      (error.kind === 'bad-request' ||
        error.kind === 'redirect' ||
        error.kind === 'too-large' ||
        error.kind === 'invalid-response' ||
        error.kind === 'retries-exhausted')
    ) {
      return new FatalWatchError(
        `Listing the jobs of index ${JSON.stringify(this.settings.indexName)} failed: ${error.message}`,
      );
    }
    if (call === 'get' && error.kind === 'redirect')
      return new FatalWatchError(`Reading a job failed: ${error.message}`);
    return error;
  }

  private async readWindow(timeFrom: string | null, timeTo: string | null, status: JobStatus | null): Promise<void> {
    const first = await this.list({ timeFrom, timeTo, status, limit: LIST_LIMIT });
    // Later pages reuse the window the service echoed, so the window stays fixed and no
    // end is computed from the runner's clock, which may run ahead of the service's.
    const window: WatchWindow = {
      timeFrom: first.timeFrom ?? timeFrom,
      timeTo: first.timeTo ?? timeTo,
      status,
      total: first.total,
      unread: 0,
    };
    this.window = window;
    const describedWindow = `${window.timeFrom ?? 'the last 24 hours'} to ${window.timeTo ?? 'now'}${status ? `, status ${status}` : ''}`;
    this.log.info(
      `Window of index ${JSON.stringify(this.settings.indexName)}: ${describedWindow}; the service counts ${first.total} job(s)`,
    );

    const seen = new Map<string, Job>();
    const add = (list: JobList): void => {
      for (const job of list.jobs) if (!seen.has(job.jobId)) seen.set(job.jobId, job);
    };
    add(first);

    const fromMicros = window.timeFrom ? parseMicros(window.timeFrom) : null;
    let unread = 0;
    let page = first;
    let calls = 1;
    let previousCursor = Number.POSITIVE_INFINITY;
    let timeToIgnored = false;
    while (page.jobs.length < page.total && page.jobs.length > 0) {
      let oldest = Number.POSITIVE_INFINITY;
      let newest = Number.NEGATIVE_INFINITY;
      for (const job of page.jobs) {
        oldest = Math.min(oldest, job.createdAtMicros);
        newest = Math.max(newest, job.createdAtMicros);
      }
      // A page with a job after the requested timeTo comes from a service that ignores timeTo,
      // which would return the same page forever. Its unread jobs are counted below.
      if (newest > previousCursor) {
        timeToIgnored = true;
        break;
      }

      let cursor: number;
      if (oldest === newest) {
        // A full page of one createdAt: narrowing timeTo cannot get past it, so the pile is read
        // on its own, split by status when it exceeds a page, and the cursor moves just below it.
        const pile = await this.readPile(oldest, status);
        calls += pile.calls;
        for (const job of pile.jobs) if (!seen.has(job.jobId)) seen.set(job.jobId, job);
        unread += pile.unread;
        cursor = oldest - 1;
      } else {
        cursor = oldest;
      }
      if (fromMicros !== null && cursor < fromMicros) break;
      previousCursor = cursor;

      page = await this.list({ timeFrom: window.timeFrom, timeTo: formatTimestamp(cursor), status, limit: LIST_LIMIT });
      calls += 1;
      add(page);
    }

    window.unread = Math.max(unread, first.total - seen.size);
    if (calls > 1) this.log.info(`Read ${seen.size} job(s) of the window in ${calls} list calls`);
    if (window.unread > 0) {
      const reason = timeToIgnored
        ? 'the list endpoint returned jobs created after the requested timeTo, so the window could not be paged'
        : 'more jobs share one createdAt than the list endpoint returns in a call';
      this.log.warning(`${window.unread} job(s) of the window could not be read: ${reason}`);
    }

    // Newest first, as the service lists them.
    const ordered = [...seen.values()].sort((a, b) => b.createdAtMicros - a.createdAtMicros);
    for (const job of ordered) {
      const watched: WatchedJob = { jobId: job.jobId, job: null, phase: 'active', error: null };
      this.jobs.set(job.jobId, watched);
      this.apply(watched, job, true);
    }
  }

  private async readPile(
    micros: number,
    status: JobStatus | null,
  ): Promise<{ jobs: Job[]; unread: number; calls: number }> {
    const at = formatTimestamp(micros);
    const whole = await this.list({ timeFrom: at, timeTo: at, status, limit: LIST_LIMIT });
    if (whole.jobs.length >= whole.total || status !== null) {
      return { jobs: whole.jobs, unread: Math.max(0, whole.total - whole.jobs.length), calls: 1 };
    }
    const jobs = [...whole.jobs];
    let unread = 0;
    let calls = 1;
    for (const each of JOB_STATUSES) {
      const part = await this.list({ timeFrom: at, timeTo: at, status: each, limit: LIST_LIMIT });
      calls += 1;
      jobs.push(...part.jobs);
      unread += Math.max(0, part.total - part.jobs.length);
    }
    this.log.info(`${whole.total} jobs share createdAt ${at}; read them by status in ${calls} calls`);
    return { jobs, unread, calls };
  }

  // Polling

  private async pollUntilSettled(): Promise<WatchOutcome> {
    let overdueStreak = 0;
    while (this.count('active') > 0) {
      if (this.signal.aborted) return 'cancelled';
      const remaining = this.deadline - this.now();
      if (remaining <= 0) return 'timed-out';
      // The poll made LAST_POLL_LEAD_MS before the deadline was the last one. Polling again would
      // start at once, and so would every poll after it until the deadline, so the rest is waited out.
      if (remaining <= LAST_POLL_LEAD_MS) {
        await sleep(remaining, this.signal);
        return this.signal.aborted ? 'cancelled' : 'timed-out';
      }

      const active = [...this.jobs.values()].filter((watched) => watched.phase === 'active');
      const estimates = active.map((watched) => ({
        etaAt: this.progress.get(watched.jobId)?.eta() ?? null,
        progressPercentage: watched.job?.progressPercentage ?? null,
        estimatedTimeMinutes: watched.job?.estimatedTimeMinutes ?? null,
      }));
      const pause = nextPauseMs({
        pollIntervalMs: this.settings.pollIntervalMs,
        pollCount: this.polls,
        overdueStreak,
        now: this.now(),
        active: estimates,
      });
      const lastEta = estimates.every((estimate) => estimate.etaAt !== null)
        ? Math.max(...estimates.map((estimate) => estimate.etaAt as number))
        : null;

      // The last poll happens just before the deadline rather than after it. A long pause is
      // slept in pieces so the log still gets a line a minute.
      const wakeAt = this.now() + Math.max(0, Math.min(pause, remaining - LAST_POLL_LEAD_MS));
      while (this.now() < wakeAt && !this.signal.aborted) {
        const untilHeartbeat = Math.max(1, this.lastLogAt + HEARTBEAT_MS - this.now());
        await sleep(Math.min(wakeAt - this.now(), untilHeartbeat), this.signal);
        if (this.now() < wakeAt) this.heartbeat();
      }
      if (this.signal.aborted) return 'cancelled';
      if (this.deadline - this.now() <= 0) return 'timed-out';

      await this.poll();
      overdueStreak = lastEta !== null && this.now() > lastEta && this.count('active') > 0 ? overdueStreak + 1 : 0;
      this.heartbeat();
    }
    return 'settled';
  }

  private heartbeat(): void {
    const active = this.count('active');
    if (active > 0 && this.jobs.size > PER_JOB_PROGRESS_LIMIT) {
      const line = this.aggregateLine();
      if (line !== this.lastAggregate) {
        this.lastAggregate = line;
        this.info(line);
        return;
      }
    }
    if (active > 0 && this.now() - this.lastLogAt >= HEARTBEAT_MS) {
      this.info(
        `Still waiting: ${this.aggregateLine()}; ${formatDuration(this.deadline - this.now())} left before the timeout`,
      );
    }
  }

  private aggregateLine(): string {
    let total = 0;
    let processed = 0;
    const counts = new Map<string, number>();
    for (const watched of this.jobs.values()) {
      const key = watched.phase === 'active' ? (watched.job?.jobStatus ?? 'not found yet') : 'done';
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (watched.job) {
        total += watched.job.totalItems;
        processed +=
          watched.job.processedItems + watched.job.failedItems + watched.job.skippedItems + watched.job.conflictItems;
      }
    }
    const parts = [...counts.entries()].map(([status, count]) => `${count} ${status}`);
    return `${this.count('active')} of ${this.jobs.size} job(s) active (${parts.join(', ')}), ${processed} of ${total} items handled`;
  }

  private info(message: string): void {
    this.lastLogAt = this.now();
    this.log.info(message);
  }

  private async poll(): Promise<void> {
    this.polls += 1;
    const active = [...this.jobs.values()].filter((watched) => watched.phase === 'active');
    const known = active.filter((watched) => watched.job !== null);
    const unknown = active.filter((watched) => watched.job === null).map((watched) => watched.jobId);

    let toFetch = known.map((watched) => watched.jobId);
    if (known.length >= 2) {
      const covered = await this.pollByList(known);
      toFetch = toFetch.filter((jobId) => !covered.has(jobId));
    }
    await this.fetchEach([...toFetch, ...unknown]);
  }

  /**
   * Reads the active jobs with list calls over the span of their createdAt, which costs one
   * request per page instead of one per job. When the span contains more jobs than a page, the next
   * page starts at the newest active job not read yet, for as long as each page reads at least
   * two active jobs. Returns the IDs it covered; the rest are read one by one.
   */
  private async pollByList(known: WatchedJob[]): Promise<Set<string>> {
    const covered = new Set<string>();
    // Newest first, the order of the list endpoint.
    const byAge = known
      .map((watched) => ({ watched, created: (watched.job as Job).createdAtMicros }))
      .sort((a, b) => b.created - a.created);
    const oldest = byAge[byAge.length - 1]?.created ?? 0;
    if (!this.listPolling || oldest < microsFromMs(this.now() - MAX_LIST_AGE_MS)) return covered;

    const activeById = new Map(known.map((watched) => [watched.jobId, watched]));
    let timeTo = Number.POSITIVE_INFINITY;
    for (;;) {
      const newestLeft = byAge.find((entry) => !covered.has(entry.watched.jobId));
      // No page can make progress when the newest job left was due on the last one: more jobs
      // share its createdAt than a page contains, or the list omits it. The rest are read one by one.
      if (newestLeft === undefined || newestLeft.created >= timeTo) break;
      timeTo = newestLeft.created;

      let list: JobList;
      try {
        list = await this.api.listJobs({
          timeFrom: formatTimestamp(oldest),
          timeTo: formatTimestamp(timeTo),
          limit: LIST_LIMIT,
        });
      } catch (error) {
        if (error instanceof ApiError && ['cancelled', 'deadline', 'unauthorized', 'not-found'].includes(error.kind)) {
          throw this.escalate(error, 'list');
        }
        // A failed list call is not fatal here: the jobs it would have read are read one by one instead.
        this.log.info(
          `Listing the active jobs failed, so they are read one by one this time: ${error instanceof Error ? error.message : String(error)}`,
        );
        return covered;
      }
      let read = 0;
      for (const job of list.jobs) {
        const watched = activeById.get(job.jobId);
        if (watched && !covered.has(job.jobId)) {
          this.apply(watched, job, false);
          covered.add(job.jobId);
          read += 1;
        }
      }
      // A page that read fewer than two active jobs saved no request over reading them one by one
      // and cost far more bytes, so paging stops there.
      if (list.jobs.length >= list.total || read < 2) break;
    }
    // When the span contains so many other jobs that the page misses nearly all active ones, a list
    // call saves nothing over reading each job, so polling goes on without it.
    if (covered.size <= 1) {
      this.listPolling = false;
      this.log.debug('The list endpoint covered at most one active job; polling each job instead');
    }
    return covered;
  }

  private async fetchEach(jobIds: string[]): Promise<void> {
    await mapConcurrent(jobIds, CONCURRENCY, async (jobId) => {
      const watched = this.jobs.get(jobId) as WatchedJob;
      try {
        const job = await this.api.getJob(jobId);
        this.notFoundSince.delete(jobId);
        this.apply(watched, job, this.polls <= 1);
      } catch (error) {
        await this.handleGetError(watched, this.escalate(error, 'get'));
      }
    });
  }

  private async handleGetError(watched: WatchedJob, error: unknown): Promise<void> {
    if (!(error instanceof ApiError)) throw error;
    if (error.kind === 'cancelled' || error.kind === 'deadline') {
      watched.error = error.message;
      throw error;
    }
    if (error.kind === 'not-found') {
      await this.checkIndex();
      const since = this.notFoundSince.get(watched.jobId) ?? this.now();
      this.notFoundSince.set(watched.jobId, since);
      if (this.now() - since >= NOT_FOUND_GRACE_MS) {
        // The message names the grace period, not the time each job took, so that the verdict
        // gives all the jobs not found one reason.
        this.markUnreadable(
          watched,
          `job not found in index ${JSON.stringify(this.settings.indexName)} (the API answered 404 for ${formatDuration(NOT_FOUND_GRACE_MS)}). Check job-id and index-name.`,
        );
      } else if (watched.error === null) {
        watched.error = NOT_FOUND_YET;
        this.info(
          `Job ${shortId(watched.jobId)}: not found yet, asking again for up to ${NOT_FOUND_GRACE_MS / 1000} s (a new job may not be listed at once)`,
        );
      }
      return;
    }
    this.markUnreadable(watched, error.message);
  }

  /** Tells an unknown index from an unknown job, as a job's 404 does not say which. */
  private async checkIndex(): Promise<void> {
    // Jobs that return 404 together share one list call, and a check that failed is made again.
    this.indexCheck ??= this.list({ limit: 1 }).then(
      () => undefined,
      (error: unknown) => {
        this.indexCheck = null;
        throw error;
      },
    );
    await this.indexCheck;
  }

  /** After the snapshot, requests the jobs that returned 404 again, for as long as a new job may take to appear. */
  private async settleNotFound(): Promise<void> {
    while (this.notFoundSince.size > 0 && !this.signal.aborted) {
      const remaining = this.deadline - this.now();
      if (remaining <= 0) return;
      await sleep(Math.min(NOT_FOUND_RETRY_MS, remaining), this.signal);
      const pending = [...this.notFoundSince.keys()].filter((jobId) => this.jobs.get(jobId)?.phase === 'active');
      if (pending.length === 0) return;
      await this.fetchEach(pending);
    }
  }

  private markUnreadable(watched: WatchedJob, message: string): void {
    watched.phase = 'unreadable';
    watched.error = message;
    this.notFoundSince.delete(watched.jobId);
    this.log.warning(`Job ${shortId(watched.jobId)}: ${message}`);
    this.lastLogAt = this.now();
  }

  private apply(watched: WatchedJob, job: Job, initial: boolean): void {
    const previous = watched.job;
    watched.job = job;
    watched.error = null;
    const tracker = this.progress.get(job.jobId) ?? new ProgressTracker();
    this.progress.set(job.jobId, tracker);
    if (job.jobStatus === 'IN_PROGRESS') tracker.record(this.now(), job.progressPercentage);

    if (job.jobStatus === null) {
      watched.phase = 'unknown-status';
      this.log.warning(
        `Job ${shortId(job.jobId)}: unknown status ${JSON.stringify(job.rawStatus)}; it is not treated as success`,
      );
      this.lastLogAt = this.now();
      return;
    }
    watched.phase = isTerminal(job.jobStatus) ? 'terminal' : 'active';

    const quiet = this.jobs.size > PER_JOB_PROGRESS_LIMIT;
    const statusChanged = previous?.jobStatus !== job.jobStatus;
    const progressed =
      previous !== null &&
      (previous.processedItems !== job.processedItems ||
        previous.failedItems !== job.failedItems ||
        Math.floor(previous.progressPercentage ?? 0) !== Math.floor(job.progressPercentage ?? 0));
    if (initial || previous === null) {
      if (!quiet || (previous === null && !initial)) this.info(`Job ${shortId(job.jobId)}: ${describeJob(job)}`);
    } else if (statusChanged && previous !== null) {
      const took = watched.phase === 'terminal' ? durationText(job) : '';
      if (!quiet || watched.phase === 'terminal') {
        this.info(
          `Job ${shortId(job.jobId)}: ${previous.jobStatus ?? previous.rawStatus} -> ${describeJob(job)}${took}`,
        );
      }
    } else if (progressed && !quiet) {
      this.info(`Job ${shortId(job.jobId)}: ${describeJob(job)}`);
    }
  }
}

function durationText(job: Job): string {
  if (!job.startedAt || !job.completedAt) return '';
  const started = parseMicros(job.startedAt);
  const completed = parseMicros(job.completedAt);
  if (started === null || completed === null || completed < started) return '';
  return `, ran ${formatDuration((completed - started) / 1000)}`;
}

function parseMicros(text: string): number | null {
  return parseTimestamp(text)?.micros ?? null;
}
