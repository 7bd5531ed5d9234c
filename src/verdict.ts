import type { Settings, Threshold } from './settings.ts';
import type { Job, JobStatus } from './marqo/job.ts';
import { NOT_FOUND_YET, type WatchResult, type WatchedJob } from './watch.ts';
import { formatDuration } from './time.ts';

export type Result = 'passed' | 'failed' | 'timed-out' | 'pending' | 'cancelled';

export interface Totals {
  totalItems: number;
  processedItems: number;
  failedItems: number;
  skippedItems: number;
  conflictItems: number;
}

/** One threshold as applied: the sum it judged, the limit in items, and whether the sum exceeded it. */
export interface ThresholdCheck {
  input: 'max-failed-items' | 'max-conflict-items' | 'max-skipped-items';
  field: 'failedItems' | 'conflictItems' | 'skippedItems';
  /** The input as given (`0`, `2%`), or null for no limit. */
  limitText: string | null;
  /** The limit in items; null for no limit. */
  limitItems: number | null;
  actual: number;
  exceeded: boolean;
}

export interface Verdict {
  result: Result;
  /** Reasons the step fails, each with the numbers behind it. Empty when it passes. */
  reasons: string[];
  /** Facts worth a line that do not fail the step. */
  notes: string[];
  totals: Totals;
  jobsByStatus: Record<string, number>;
  thresholds: ThresholdCheck[];
}

// Jobs named in one reason before the rest are counted, to keep messages readable.
const IDS_PER_REASON = 10;

/**
 * Failed items of one job. A FAILED job with an errorMessage and no failed items failed as a
 * whole, so its items that were not processed, skipped or in conflict count as failed.
 */
export function effectiveFailedItems(job: Job): number {
  if (job.jobStatus === 'FAILED' && job.failedItems === 0 && job.errorMessage) {
    return Math.max(0, job.totalItems - job.processedItems - job.skippedItems - job.conflictItems);
  }
  return job.failedItems;
}

export function sumTotals(jobs: Iterable<Job>): Totals {
  const totals: Totals = { totalItems: 0, processedItems: 0, failedItems: 0, skippedItems: 0, conflictItems: 0 };
  for (const job of jobs) {
    totals.totalItems += job.totalItems;
    totals.processedItems += job.processedItems;
    totals.failedItems += effectiveFailedItems(job);
    totals.skippedItems += job.skippedItems;
    totals.conflictItems += job.conflictItems;
  }
  return totals;
}

/** Returns the status key of a job in jobs-by-status: its status, its raw status when unknown, or UNREADABLE. */
export function statusKey(watched: WatchedJob): string {
  if (watched.job === null) return 'UNREADABLE';
  return watched.job.jobStatus ?? watched.job.rawStatus.trim().toUpperCase();
}

function listIds(jobs: WatchedJob[]): string {
  const shown = jobs.slice(0, IDS_PER_REASON).map((watched) => watched.jobId);
  const rest = jobs.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function checkThreshold(
  input: ThresholdCheck['input'],
  field: ThresholdCheck['field'],
  threshold: Threshold | null,
  actual: number,
  totalItems: number,
): ThresholdCheck {
  if (threshold === null) return { input, field, limitText: null, limitItems: null, actual, exceeded: false };
  const limitItems = threshold.kind === 'count' ? threshold.value : (threshold.value / 100) * totalItems;
  // A percentage of the items is rarely a whole number in binary floating point (0.7% of 1,000
  // is 6.999…), so the comparison allows for that rounding error.
  return { input, field, limitText: threshold.text, limitItems, actual, exceeded: actual > limitItems + 1e-6 };
}

function describeCheck(check: ThresholdCheck, totalItems: number): string {
  if (check.limitText?.endsWith('%')) {
    const share = totalItems === 0 ? 0 : (check.actual / totalItems) * 100;
    const items = Number.isInteger(check.limitItems) ? String(check.limitItems) : (check.limitItems ?? 0).toFixed(1);
    return `${check.field} ${check.actual} (${share.toFixed(2)}% of ${totalItems} items) > ${check.input} ${check.limitText} (${items} items)`;
  }
  return `${check.field} ${check.actual} > ${check.input} ${check.limitText ?? ''}`;
}

/** Judges the watched jobs against the thresholds and statuses of the settings. Pure. */
export function judge(watch: WatchResult, settings: Settings): Verdict {
  const reasons: string[] = [];
  const notes: string[] = [];
  const jobs = watch.jobs;
  const read = jobs.flatMap((watched) => (watched.job ? [watched.job] : []));
  const totals = sumTotals(read);

  const jobsByStatus: Record<string, number> = {};
  for (const watched of jobs) {
    const key = statusKey(watched);
    jobsByStatus[key] = (jobsByStatus[key] ?? 0) + 1;
  }

  if (watch.fatalError) reasons.push(watch.fatalError);

  const thresholds = [
    checkThreshold('max-failed-items', 'failedItems', settings.maxFailedItems, totals.failedItems, totals.totalItems),
    checkThreshold(
      'max-conflict-items',
      'conflictItems',
      settings.maxConflictItems,
      totals.conflictItems,
      totals.totalItems,
    ),
    checkThreshold(
      'max-skipped-items',
      'skippedItems',
      settings.maxSkippedItems,
      totals.skippedItems,
      totals.totalItems,
    ),
  ];
  for (const check of thresholds) if (check.exceeded) reasons.push(describeCheck(check, totals.totalItems));

  for (const status of settings.failOnStatus) {
    const matching = jobs.filter((watched) => watched.job?.jobStatus === status && watched.phase !== 'unreadable');
    if (matching.length > 0) {
      let verb = matching.length === 1 ? 'is' : 'are';
      if (isEndStatus(status)) verb = 'ended';
      reasons.push(
        `${plural(matching.length, 'job')} ${verb} ${status}, which fail-on-status lists: ${listIds(matching)}`,
      );
    }
  }

  const unknown = jobs.filter((watched) => watched.phase === 'unknown-status');
  for (const watched of unknown) {
    reasons.push(
      `job ${watched.jobId} has unknown status ${JSON.stringify(watched.job?.rawStatus ?? '')}; a status this action does not know never counts as success`,
    );
  }

  const unreadable = jobs.filter((watched) => watched.phase === 'unreadable' && watched.error !== watch.fatalError);
  const byError = new Map<string, WatchedJob[]>();
  for (const watched of unreadable) {
    const key = watched.error ?? 'unknown error';
    byError.set(key, [...(byError.get(key) ?? []), watched]);
  }
  for (const [error, group] of byError) {
    reasons.push(`${plural(group.length, 'job')} could not be read (${listIds(group)}): ${error}`);
  }

  if (watch.window && watch.window.unread > 0) {
    reasons.push(
      `${plural(watch.window.unread, 'job')} of the window could not be read: ${watch.window.total} jobs in the window, ${jobs.length} read`,
    );
  }

  const active = jobs.filter((watched) => watched.phase === 'active');
  if (jobs.length === 0 && !watch.fatalError) {
    const where =
      settings.selection.mode === 'window' && settings.selection.status
        ? ` with status ${settings.selection.status}`
        : '';
    if (settings.failIfNoJobs) reasons.push(`no job in the window${where}, and fail-if-no-jobs is true`);
    else notes.push(`no job in the window${where}; nothing to check`);
  }

  let result: Result;
  if (watch.outcome === 'cancelled') {
    result = 'cancelled';
    reasons.unshift(`the run was cancelled with ${plural(active.length, 'job')} still active`);
  } else if (watch.outcome === 'timed-out' && active.length > 0) {
    result = 'timed-out';
    reasons.unshift(
      `${plural(active.length, 'job')} still active when the timeout of ${formatDuration(settings.timeoutMs)} passed: ${describeActive(active)}`,
    );
    // Why the last read of a job failed, such as a refused connection, is often why it timed out.
    const lastErrors = new Map<string, WatchedJob[]>();
    for (const watched of active) {
      if (watched.error === null || watched.error === NOT_FOUND_YET) continue;
      lastErrors.set(watched.error, [...(lastErrors.get(watched.error) ?? []), watched]);
    }
    for (const [error, group] of lastErrors)
      reasons.push(`the last read of ${plural(group.length, 'job')} failed (${listIds(group)}): ${error}`);
  } else if (reasons.length > 0) {
    result = 'failed';
  } else if (active.length > 0) {
    result = 'pending';
    notes.push(`${plural(active.length, 'job')} still active (wait is false): ${describeActive(active)}`);
  } else {
    result = 'passed';
  }
  return { result, reasons, notes, totals, jobsByStatus, thresholds };
}

function isEndStatus(status: JobStatus): boolean {
  return status !== 'PENDING' && status !== 'IN_PROGRESS';
}

function describeActive(active: WatchedJob[]): string {
  const shown = active.slice(0, IDS_PER_REASON).map((watched) => {
    const status = watched.job?.jobStatus ?? (watched.error === NOT_FOUND_YET ? 'not found' : 'not read');
    return `${watched.jobId} (${status})`;
  });
  const rest = active.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}
