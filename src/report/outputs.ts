import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Settings } from '../settings.ts';
import type { WatchResult } from '../watch.ts';
import type { Verdict } from '../verdict.ts';

/** Failed document IDs given in the failed-item-ids output; the report lists all of them. */
export const OUTPUT_FAILED_IDS_LIMIT = 1000;

export const OUTPUT_NAMES = [
  'result',
  'job-ids',
  'jobs-by-status',
  'total-items',
  'processed-items',
  'failed-items',
  'skipped-items',
  'conflict-items',
  'failed-item-ids',
  'report-path',
  'comment-url',
] as const;

export type OutputName = (typeof OUTPUT_NAMES)[number];
export type Outputs = Record<OutputName, string>;

/** Yields every failed document ID, job by job and error type by error type, without copying the lists. */
export function* failedItemIds(watch: WatchResult): Generator<string> {
  for (const watched of watch.jobs) {
    if (!watched.job) continue;
    for (const ids of Object.values(watched.job.failedItemsDetails)) yield* ids;
  }
}

/** Computes the step outputs. `reportPath` and `commentUrl` are empty when there is none. */
export function buildOutputs(watch: WatchResult, verdict: Verdict, reportPath: string, commentUrl = ''): Outputs {
  const firstFailed: string[] = [];
  for (const id of failedItemIds(watch)) {
    if (firstFailed.length >= OUTPUT_FAILED_IDS_LIMIT) break;
    firstFailed.push(id);
  }
  return {
    result: verdict.result,
    'job-ids': JSON.stringify(watch.jobs.map((watched) => watched.jobId)),
    'jobs-by-status': JSON.stringify(verdict.jobsByStatus),
    'total-items': String(verdict.totals.totalItems),
    'processed-items': String(verdict.totals.processedItems),
    'failed-items': String(verdict.totals.failedItems),
    'skipped-items': String(verdict.totals.skippedItems),
    'conflict-items': String(verdict.totals.conflictItems),
    'failed-item-ids': JSON.stringify(firstFailed),
    'report-path': reportPath,
    'comment-url': commentUrl,
  };
}

/** Outputs for a run that ended before any job was read, such as one with an invalid input. */
export function emptyOutputs(result: Verdict['result']): Outputs {
  return {
    result,
    'job-ids': '[]',
    'jobs-by-status': '{}',
    'total-items': '0',
    'processed-items': '0',
    'failed-items': '0',
    'skipped-items': '0',
    'conflict-items': '0',
    'failed-item-ids': '[]',
    'report-path': '',
    'comment-url': '',
  };
}

/** Returns the settings as the report shows them: everything but the API key and the GitHub token. */
export function publicSettings(settings: Settings): Record<string, unknown> {
  const { apiKey: _apiKey, githubToken: _githubToken, ...rest } = settings;
  return rest;
}

/**
 * Writes the JSON report: the settings without the key, the window, the verdict and its
 * reasons, every failed document ID with its job and error type, and every job's final object.
 * It is written piece by piece, so a job with a million failed IDs never becomes one string.
 */
export async function writeReport(
  path: string,
  settings: Settings,
  watch: WatchResult,
  verdict: Verdict,
  generatedAt: number,
  redact: (text: string) => string = (text) => text,
): Promise<void> {
  const stream = createWriteStream(path, { encoding: 'utf8', mode: 0o600 });
  const failed = once(stream, 'error').then(([error]) => {
    throw error;
  });
  failed.catch(() => undefined);
  const write = async (text: string): Promise<void> => {
    if (!stream.write(redact(text))) await Promise.race([once(stream, 'drain'), failed]);
  };

  const header = {
    generatedAt: new Date(generatedAt).toISOString(),
    result: verdict.result,
    reasons: verdict.reasons,
    notes: verdict.notes,
    settings: publicSettings(settings),
    window: watch.window,
    outcome: watch.outcome,
    polls: watch.polls,
    startedAt: new Date(watch.startedAt).toISOString(),
    finishedAt: new Date(watch.finishedAt).toISOString(),
    totals: verdict.totals,
    jobsByStatus: verdict.jobsByStatus,
    thresholds: verdict.thresholds,
    jobIds: watch.jobs.map((watched) => watched.jobId),
  };
  const headerText = JSON.stringify(header, null, 2);
  await write(headerText.slice(0, -2));

  // Flat list of failed documents, for re-submitting them: one object per job and error type.
  await write(',\n  "failedItems": [');
  let first = true;
  for (const watched of watch.jobs) {
    if (!watched.job) continue;
    for (const [errorType, ids] of Object.entries(watched.job.failedItemsDetails)) {
      await write(
        `${first ? '' : ','}\n    {"jobId": ${JSON.stringify(watched.jobId)}, "errorType": ${JSON.stringify(errorType)}, "documentIds": [`,
      );
      first = false;
      for (let start = 0; start < ids.length; start += 10_000) {
        const chunk = JSON.stringify(ids.slice(start, start + 10_000)).slice(1, -1);
        await write(start === 0 ? chunk : `,${chunk}`);
      }
      await write(']}');
    }
  }
  await write(first ? '],\n  "jobs": [' : '\n  ],\n  "jobs": [');

  first = true;
  for (const watched of watch.jobs) {
    const entry = { jobId: watched.jobId, phase: watched.phase, error: watched.error, job: watched.job?.raw ?? null };
    await write(`${first ? '' : ','}\n    ${JSON.stringify(entry)}`);
    first = false;
  }
  await write(first ? ']\n}\n' : '\n  ]\n}\n');
  stream.end();
  await Promise.race([once(stream, 'finish'), failed]);
}
