import { MarqoJobsClient } from './marqo/client.ts';
import type { Settings } from './settings.ts';
import { watchJobs, type WatchResult } from './watch.ts';
import { judge, type Verdict } from './verdict.ts';
import type { Logger } from './logger.ts';
import { formatDuration } from './time.ts';

export interface EngineResult {
  watch: WatchResult;
  verdict: Verdict;
}

/**
 * Watches the selected jobs and judges them: the part of a run that the GitHub Action and the
 * command-line tool share. It never throws for API failures, which end up in the verdict.
 */
export async function watchAndJudge(settings: Settings, log: Logger, signal: AbortSignal): Promise<EngineResult> {
  const deadline = Date.now() + settings.timeoutMs;
  const client = new MarqoJobsClient({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    indexName: settings.indexName,
    deadline,
    signal,
    // Long enough for a slow page of 1,000 jobs, short enough to retry a stalled connection soon.
    attemptTimeoutMs: Math.min(30_000, Math.max(10_000, 2 * settings.pollIntervalMs)),
    onRetry: (message) => log.info(message),
  });
  try {
    const watch = await watchJobs({ settings, api: client, log, signal, deadline });
    return { watch, verdict: judge(watch, settings) };
  } finally {
    await client.close();
  }
}

/** Logs what the run will do, in three lines. */
export function logSettings(log: Logger, settings: Settings): void {
  const selection = settings.selection;
  const selected =
    selection.mode === 'ids'
      ? `${selection.jobIds.length} job ID(s)`
      : `the window ${selection.timeFrom ?? '(last 24 hours)'} to ${selection.timeTo ?? 'now'}${selection.status ? ` with status ${selection.status}` : ''}`;
  log.info(`Index ${JSON.stringify(settings.indexName)} at ${settings.baseUrl}: ${selected}`);
  if (
    selection.mode === 'window' &&
    selection.timeFrom === null &&
    selection.timeTo === null &&
    selection.status === null
  ) {
    // An empty job-id is also what a misspelled step output gives, which would turn a deploy gate
    // into an audit of unrelated jobs without a word.
    log.warning(
      'job-id is empty and no window is set, so every job of the last 24 hours is watched. If job IDs were meant to be passed, check the expression that sets job-id; to watch the window on purpose, set time-from (for example 24h).',
    );
  }
  log.info(
    `wait ${settings.wait}, timeout ${formatDuration(settings.timeoutMs)}, poll interval up to ${formatDuration(settings.pollIntervalMs)}`,
  );
  const skipped = settings.maxSkippedItems?.text ?? 'no limit';
  log.info(
    `Thresholds: max-failed-items ${settings.maxFailedItems.text}, max-conflict-items ${settings.maxConflictItems.text}, max-skipped-items ${skipped}, fail-on-status ${settings.failOnStatus.join(',') || 'none'}`,
  );
}

const RESULT_TITLES: Record<Verdict['result'], string> = {
  passed: 'Marqo jobs passed',
  pending: 'Marqo jobs are still pending',
  failed: 'Marqo jobs failed',
  'timed-out': 'Marqo jobs timed out',
  cancelled: 'Watching the Marqo jobs was cancelled',
};

/** Builds the failure message: a title and every reason, one per line (the first 20, then a count). */
export function failureMessage(verdict: Verdict): string {
  const lines = verdict.reasons.slice(0, 20).map((reason) => `- ${reason}`);
  if (verdict.reasons.length > 20)
    lines.push(`- … and ${verdict.reasons.length - 20} more reasons in the step summary`);
  return `${RESULT_TITLES[verdict.result]}: ${verdict.reasons.length} reason${verdict.reasons.length === 1 ? '' : 's'}\n${lines.join('\n')}`;
}
