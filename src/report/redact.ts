import type { Job } from '../marqo/job.ts';
import type { Verdict } from '../verdict.ts';
import type { WatchResult, WatchWindow } from '../watch.ts';

type Redact = (text: string) => string;

/** Copies a map from the API, such as error type to document IDs, with its keys and strings redacted. */
function redactMap(map: object, redact: Redact): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(map)) {
    copy[redact(key)] = Array.isArray(value)
      ? value.map((item: unknown) => (typeof item === 'string' ? redact(item) : item))
      : value;
  }
  return copy;
}

/**
 * Copies a job with every text field and every map redacted. Field names are not data, so they stay.
 * `jobStatus` stays too, because the summary branches on it (`rawStatus` is the text). `raw` is read
 * only by the JSON report, which redacts its own text.
 */
function redactJob(job: Job, redact: Redact): Job {
  const copy: Record<string, unknown> = { ...job };
  for (const [field, value] of Object.entries(job) as [string, unknown][]) {
    if (field === 'raw' || field === 'jobStatus') continue;
    if (typeof value === 'string') copy[field] = redact(value);
    else if (value !== null && typeof value === 'object') copy[field] = redactMap(value, redact);
  }
  return copy as unknown as Job;
}

function redactWindow(window: WatchWindow | null, redact: Redact): WatchWindow | null {
  if (window === null) return null;
  return {
    ...window,
    timeFrom: window.timeFrom === null ? null : redact(window.timeFrom),
    timeTo: window.timeTo === null ? null : redact(window.timeTo),
  };
}

/**
 * Copies the watch result and verdict with every secret in text from the API replaced, for the
 * summary, the comment and the outputs. This has to happen before markdown escapes and cuts the
 * text: `ghs_x` becomes `ghs&#95;x`, which a redaction of the finished markdown misses, and a cut
 * ID could keep part of a secret.
 */
export function redactForDisplay(
  watch: WatchResult,
  verdict: Verdict,
  redact: Redact,
): { watch: WatchResult; verdict: Verdict } {
  return {
    watch: {
      ...watch,
      jobs: watch.jobs.map((watched) => ({
        ...watched,
        jobId: redact(watched.jobId),
        error: watched.error === null ? null : redact(watched.error),
        job: watched.job === null ? null : redactJob(watched.job, redact),
      })),
      window: redactWindow(watch.window, redact),
      fatalError: watch.fatalError === null ? null : redact(watch.fatalError),
    },
    verdict: {
      ...verdict,
      reasons: verdict.reasons.map(redact),
      notes: verdict.notes.map(redact),
      jobsByStatus: redactMap(verdict.jobsByStatus, redact) as Record<string, number>,
    },
  };
}
