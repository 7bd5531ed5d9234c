/** Progress of one job that is not terminal yet, as the poll schedule uses it. */
export interface ActiveJobProgress {
  /** Estimated epoch milliseconds when the job ends, from its observed progress rate; null if unknown. */
  etaAt: number | null;
  progressPercentage: number | null;
  estimatedTimeMinutes: number | null;
}

export interface PauseInput {
  pollIntervalMs: number;
  /** Polls made so far, the initial read included. */
  pollCount: number;
  /** Polls in a row made after the estimated end of the last job, without it ending. */
  overdueStreak: number;
  now: number;
  active: ActiveJobProgress[];
}

export const FIRST_PAUSE_MS = 1000;
const MIN_PAUSE_MS = 300;
// Polling this long after the estimated end gives the API time to record the final status.
const ETA_MARGIN_MS = 250;
const NEAR_DONE_PERCENT = 90;

/**
 * Chooses the pause before the next poll. Pauses start short, so quick jobs are seen at once,
 * and grow by half each poll up to the poll interval. When every active job has an estimated
 * end, the next poll lands just after the last of them. Past that estimate, pauses double
 * again from 500 ms. Without such estimates, pauses stay at most 1 s while every active job is
 * near its end, and at most the largest estimatedTimeMinutes when every active job reports one.
 * The result never exceeds the poll interval.
 */
export function nextPauseMs(input: PauseInput): number {
  const ceiling = input.pollIntervalMs;
  const warmUp = Math.min(ceiling, FIRST_PAUSE_MS * 1.5 ** Math.max(0, input.pollCount - 1));
  if (input.active.length === 0) return Math.min(ceiling, FIRST_PAUSE_MS);

  const etas = input.active.map((job) => job.etaAt);
  if (etas.every((eta): eta is number => eta !== null)) {
    const untilLast = Math.max(...etas) - input.now;
    if (untilLast + ETA_MARGIN_MS > 0 && input.overdueStreak === 0) {
      return clamp(untilLast + ETA_MARGIN_MS, MIN_PAUSE_MS, ceiling);
    }
    return clamp(500 * 2 ** input.overdueStreak, MIN_PAUSE_MS, ceiling);
  }

  // The verdict waits for the last job, so one job near its end among others far from it is no
  // reason to poll every second.
  const nearDone = input.active.every(
    (job) =>
      (job.progressPercentage !== null && job.progressPercentage >= NEAR_DONE_PERCENT) ||
      job.estimatedTimeMinutes === 0,
  );
  if (nearDone) return clamp(Math.min(warmUp, FIRST_PAUSE_MS), MIN_PAUSE_MS, ceiling);

  const minutes = input.active.map((job) => job.estimatedTimeMinutes);
  const untilEstimate = minutes.every((value): value is number => value !== null)
    ? Math.max(FIRST_PAUSE_MS, Math.max(...minutes) * 60_000)
    : Number.POSITIVE_INFINITY;
  return clamp(Math.min(warmUp, untilEstimate), MIN_PAUSE_MS, ceiling);
}

function clamp(value: number, low: number, high: number): number {
  return Math.round(Math.min(high, Math.max(Math.min(low, high), value)));
}

/** Progress observations of one job, reduced to what an end estimate needs. */
export class ProgressTracker {
  private first: { at: number; percent: number } | null = null;
  private last: { at: number; percent: number } | null = null;

  record(at: number, percent: number | null): void {
    if (percent === null) return;
    if (this.first === null || percent < this.first.percent) {
      this.first = { at, percent };
      this.last = { at, percent };
      return;
    }
    if (this.last === null || percent > this.last.percent) this.last = { at, percent };
  }

  /** Estimated end, in epoch milliseconds, assuming the observed progress rate holds; null before two samples. */
  eta(): number | null {
    if (this.first === null || this.last === null || this.last.at <= this.first.at) return null;
    const rate = (this.last.percent - this.first.percent) / (this.last.at - this.first.at);
    if (rate <= 0) return null;
    return this.last.at + (100 - this.last.percent) / rate;
  }
}
