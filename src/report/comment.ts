import { createHash } from 'node:crypto';
import type { Settings } from '../settings.ts';
import type { WatchResult } from '../watch.ts';
import type { Verdict } from '../verdict.ts';
import { effectiveFailedItems } from '../verdict.ts';
import { code, escapeMarkdown, truncate } from './escape.ts';
import { HEADINGS } from './summary.ts';

/** GitHub rejects a comment body over 65,536 characters; this leaves room for the closing lines. */
export const COMMENT_LIMIT_CHARS = 60_000;
const FAILED_IDS_PER_JOB = 10;
const MAX_REASONS = 20;
/** Characters of escaped reasons; an escaped character can take six, so a count of reasons alone bounds nothing. */
const REASONS_BUDGET_CHARS = 20_000;
const MARKER_PART_CHARS = 200;

/**
 * Builds the hidden marker that finds this action's comment again on a later run: one comment per
 * index and workflow job. Characters that could end an HTML comment are replaced, and a name
 * longer than 200 characters is cut and followed by a hash of the whole name.
 */
export function commentMarker(indexName: string, workflow: string, job: string): string {
  const part = (text: string): string => {
    const safe = text.replace(/--|[<>\r\n]/g, '_');
    if (safe.length <= MARKER_PART_CHARS) return safe;
    return `${safe.slice(0, MARKER_PART_CHARS)}_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  };
  return `<!-- marqo-ecom-jobs-action index=${part(indexName)} workflow=${part(workflow)} job=${part(job)} -->`;
}

function number(value: number): string {
  return value.toLocaleString('en-US');
}

/** Returns the first `count` failed document IDs of a job, without copying its lists. */
function firstFailedIds(failedItemsDetails: Record<string, string[]>, count: number): string[] {
  const ids: string[] = [];
  for (const list of Object.values(failedItemsDetails)) {
    for (const id of list) {
      if (ids.length >= count) return ids;
      ids.push(id);
    }
  }
  return ids;
}

export interface CommentInput {
  settings: Settings;
  watch: WatchResult;
  verdict: Verdict;
  marker: string;
  /** Link to the workflow run, where the full step summary is. */
  runUrl: string | null;
}

/** Builds the pull-request comment: a compact form of the step summary, under COMMENT_LIMIT_CHARS. */
export function buildComment(input: CommentInput): string {
  const { settings, watch, verdict } = input;
  const lines: string[] = [
    input.marker,
    `### ${HEADINGS[verdict.result]} · ${code(truncate(settings.indexName, 200))}`,
    '',
  ];
  let reasonChars = 0;
  let reasonsShown = 0;
  for (const reason of verdict.reasons.slice(0, MAX_REASONS)) {
    const line = `- ${escapeMarkdown(truncate(reason, 500))}`;
    if (reasonChars + line.length > REASONS_BUDGET_CHARS) break;
    lines.push(line);
    reasonChars += line.length + 1;
    reasonsShown += 1;
  }
  if (verdict.reasons.length > reasonsShown)
    lines.push(`- … and ${verdict.reasons.length - reasonsShown} more reasons in the step summary`);
  if (verdict.reasons.length > 0) lines.push('');

  const t = verdict.totals;
  lines.push('| Jobs | Items | Processed | Failed | Conflict | Skipped |', '|---:|---:|---:|---:|---:|---:|');
  lines.push(
    `| ${number(watch.jobs.length)} | ${number(t.totalItems)} | ${number(t.processedItems)} | ${number(t.failedItems)} | ${number(t.conflictItems)} | ${number(t.skippedItems)} |`,
    '',
  );

  const failing = watch.jobs.filter((watched) => {
    const job = watched.job;
    if (job === null || watched.phase !== 'terminal') return true;
    return job.jobStatus !== 'COMPLETED' || effectiveFailedItems(job) > 0 || job.conflictItems > 0;
  });
  const tail: string[] = [];
  if (input.runUrl) tail.push('', `[Full step summary and report](${input.runUrl})`);
  const closing = tail.join('\n');

  if (failing.length > 0) {
    lines.push('| Job ID | Status | Failed | First failed IDs |', '|---|---|---:|---|');
    let used = lines.join('\n').length + closing.length;
    let shown = 0;
    for (const watched of failing) {
      const job = watched.job;
      const status = job === null ? 'could not be read' : escapeMarkdown(job.jobStatus ?? job.rawStatus);
      const ids = job === null ? [] : firstFailedIds(job.failedItemsDetails, FAILED_IDS_PER_JOB);
      const failed = job === null ? 0 : effectiveFailedItems(job);
      const more = failed > ids.length && ids.length > 0 ? ' …' : '';
      const row = `| ${code(truncate(watched.jobId, 80))} | ${status} | ${number(failed)} | ${ids.map((id) => code(truncate(id, 80))).join(' ')}${more} |`;
      if (used + row.length + 200 > COMMENT_LIMIT_CHARS) break;
      lines.push(row);
      used += row.length + 1;
      shown += 1;
    }
    if (shown < failing.length)
      lines.push('', `… and ${failing.length - shown} more jobs with problems in the step summary.`);
  }
  return `${lines.join('\n')}${closing}\n`;
}
