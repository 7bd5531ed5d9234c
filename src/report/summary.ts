import type { Settings } from '../settings.ts';
import { isTerminal, type Job } from '../marqo/job.ts';
import { NOT_FOUND_YET, type WatchResult, type WatchedJob } from '../watch.ts';
import type { Result, Verdict } from '../verdict.ts';
import { effectiveFailedItems } from '../verdict.ts';
import { formatDuration, parseTimestamp } from '../time.ts';
import { code, escapeMarkdown, truncate } from './escape.ts';

/** GitHub rejects a step summary over 1 MiB; this leaves room for the notes about what was left out. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 16 * 1024;
// Tables and ID lists longer than this go in a collapsible section.
const COLLAPSE_AFTER = 20;
const MAX_REASONS = 50;
const MAX_REASON_CHARS = 2000;

export const HEADINGS: Record<Result, string> = {
  passed: '✅ Marqo jobs passed',
  failed: '❌ Marqo jobs failed',
  'timed-out': '⏱️ Marqo jobs timed out',
  pending: '⏳ Marqo jobs still pending',
  cancelled: '🛑 Marqo jobs watch cancelled',
};

export interface SummaryInput {
  settings: Settings;
  watch: WatchResult;
  verdict: Verdict;
  /** Path of the JSON report, named where lists are cut. */
  reportPath: string | null;
  now: number;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

function number(value: number): string {
  return value.toLocaleString('en-US');
}

/** Formats the duration of a job from startedAt to completedAt, or to `now` while it runs. */
export function jobDuration(job: Job, now: number): string {
  const started = job.startedAt ? parseTimestamp(job.startedAt) : null;
  if (started === null) return job.jobStatus === 'PENDING' ? 'not started' : 'unknown';
  const end = job.completedAt ? (parseTimestamp(job.completedAt)?.micros ?? null) : null;
  if (end === null) {
    if (job.jobStatus !== null && isTerminal(job.jobStatus)) return 'unknown';
    return `${formatDuration(now - started.micros / 1000)} so far`;
  }
  if (end < started.micros) return 'unknown';
  return formatDuration((end - started.micros) / 1000);
}

/** Draws a progress bar of ten cells followed by the percentage. */
export function progressBar(percent: number): string {
  const bounded = Math.min(100, Math.max(0, percent));
  const filled = Math.round(bounded / 10);
  return `${'▰'.repeat(filled)}${'▱'.repeat(10 - filled)} ${Math.floor(bounded)}%`;
}

function progressOf(job: Job): number {
  if (job.jobStatus !== null && isTerminal(job.jobStatus)) return 100;
  if (job.progressPercentage !== null) return job.progressPercentage;
  return job.totalItems === 0 ? 0 : (job.processedItems / job.totalItems) * 100;
}

/** Formats the service's estimate of the time an active job still needs, as a suffix of its duration. */
function timeLeft(job: Job): string {
  if (job.jobStatus === null || isTerminal(job.jobStatus) || job.estimatedTimeMinutes === null) return '';
  return `, about ${formatDuration(job.estimatedTimeMinutes * 60_000)} left`;
}

function statusCell(watched: WatchedJob): string {
  if (watched.job === null) {
    if (watched.phase === 'unreadable') return 'could not be read';
    return watched.error === NOT_FOUND_YET ? 'not found yet' : 'not read';
  }
  if (watched.job.jobStatus === null) return `unknown: ${code(truncate(watched.job.rawStatus, 40))}`;
  return watched.job.jobStatus;
}

function itemsCell(job: Job): string {
  const parts = [`${number(job.processedItems)} / ${number(job.totalItems)}`];
  const failed = effectiveFailedItems(job);
  if (failed > 0) parts.push(`${number(failed)} failed`);
  if (job.conflictItems > 0) parts.push(`${number(job.conflictItems)} conflict`);
  if (job.skippedItems > 0) parts.push(`${number(job.skippedItems)} skipped`);
  return parts.join(', ');
}

function details(summary: string, body: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${summary}</summary>\n\n${body}\n\n</details>\n`;
}

/** Adds lines to a section until its byte budget is spent, then counts what it left out. */
class Section {
  private readonly lines: string[] = [];
  private used = 0;
  private readonly budget: number;
  omitted = 0;
  constructor(budget: number) {
    this.budget = budget;
  }

  add(line: string): boolean {
    const size = bytes(line) + 1;
    if (this.omitted > 0 || this.used + size > this.budget) {
      this.omitted += 1;
      return false;
    }
    this.lines.push(line);
    this.used += size;
    return true;
  }

  text(): string {
    return this.lines.join('\n');
  }
}

function idList(ids: string[], budget: number, reportNote: string): string {
  // One line of code spans keeps thousands of IDs compact; the byte budget decides how many fit.
  const parts: string[] = [];
  let used = 0;
  let shown = 0;
  for (const id of ids) {
    const part = code(truncate(id, 200));
    const size = bytes(part) + 1;
    if (used + size > budget) break;
    parts.push(part);
    used += size;
    shown += 1;
  }
  const rest = ids.length - shown;
  const tail = rest > 0 ? `\n\n… and ${plural(rest, 'more ID')} not shown${reportNote}.` : '';
  return `${parts.join(' ')}${tail}`;
}

/**
 * Builds the step summary in markdown: the verdict and its reasons, totals, the jobs, failures
 * by error type, conflicts, skipped items, thresholds and window. It stays under
 * SUMMARY_LIMIT_BYTES whatever the input, and notes what it left out.
 */
export function buildSummary(input: SummaryInput): string {
  const { settings, watch, verdict } = input;
  const reportNote = input.reportPath ? ` (all are in the JSON report, ${code(input.reportPath)})` : '';
  const jobs = watch.jobs;
  const read = jobs.flatMap((watched) => (watched.job ? [watched.job] : []));

  // Small, fixed-size parts first, so the lists know what room is left.
  const head: string[] = [];
  head.push(`## ${HEADINGS[verdict.result]}\n`);
  head.push(
    `Index ${code(settings.indexName)} · ${plural(jobs.length, 'job')} · ${plural(verdict.totals.totalItems, 'item')} · watched for ${formatDuration(watch.finishedAt - watch.startedAt)}\n`,
  );
  if (verdict.reasons.length > 0) {
    head.push(verdict.result === 'failed' ? '**Why it failed**\n' : '**Reasons**\n');
    for (const reason of verdict.reasons.slice(0, MAX_REASONS))
      head.push(`- ${escapeMarkdown(truncate(reason, MAX_REASON_CHARS))}`);
    if (verdict.reasons.length > MAX_REASONS)
      head.push(`- … and ${verdict.reasons.length - MAX_REASONS} more reasons${reportNote}`);
    head.push('');
  }
  for (const note of verdict.notes) head.push(`> ${escapeMarkdown(truncate(note, MAX_REASON_CHARS))}\n`);

  const t = verdict.totals;
  head.push('| Jobs | Items | Processed | Failed | Conflict | Skipped |');
  head.push('|---:|---:|---:|---:|---:|---:|');
  head.push(
    `| ${number(jobs.length)} | ${number(t.totalItems)} | ${number(t.processedItems)} | ${number(t.failedItems)} | ${number(t.conflictItems)} | ${number(t.skippedItems)} |\n`,
  );
  const statusLine = Object.entries(verdict.jobsByStatus)
    .map(([status, count]) => `${escapeMarkdown(status)} ${number(count)}`)
    .join(' · ');
  if (statusLine) head.push(`Jobs by status: ${statusLine}\n`);

  const tail: string[] = [];
  tail.push('### Thresholds\n');
  tail.push('| Input | Limit | Actual | |');
  tail.push('|---|---:|---:|---|');
  for (const check of verdict.thresholds) {
    const limit =
      check.limitText === null
        ? 'no limit'
        : check.limitText.endsWith('%')
          ? `${check.limitText} (${plural(Math.floor(check.limitItems ?? 0), 'item')})`
          : check.limitText;
    tail.push(`| \`${check.input}\` | ${limit} | ${number(check.actual)} | ${check.exceeded ? '❌ exceeded' : '✅'} |`);
  }
  const failOn = settings.failOnStatus.length > 0 ? settings.failOnStatus.join(', ') : 'none';
  tail.push(`| \`fail-on-status\` | ${failOn} | | |`);
  tail.push('');
  tail.push(windowText(input));

  const fixed = head.join('\n') + '\n' + tail.join('\n');
  let room = SUMMARY_LIMIT_BYTES - bytes(fixed) - 4096;

  const jobTable = buildJobTable(jobs, input.now, Math.max(0, room * 0.25), reportNote);
  room -= bytes(jobTable);
  const failures = buildFailures(read, Math.max(0, room * 0.7), reportNote);
  room -= bytes(failures);
  const conflicts = buildConflicts(read, Math.max(0, room * 0.5), reportNote);
  room -= bytes(conflicts);
  const skipped = buildSkipped(read, Math.max(0, room), reportNote);

  return (
    [head.join('\n'), jobTable, failures, conflicts, skipped, tail.join('\n')]
      .filter((part) => part !== '')
      .join('\n') + '\n'
  );
}

function windowText(input: SummaryInput): string {
  const { settings, watch } = input;
  const mode = settings.selection;
  if (mode.mode === 'ids') {
    return `Watched ${plural(mode.jobIds.length, 'job ID')} given in \`job-id\`. Timeout ${formatDuration(settings.timeoutMs)}, poll interval up to ${formatDuration(settings.pollIntervalMs)}, ${plural(watch.polls, 'poll')}.\n`;
  }
  const window = watch.window;
  const from = window?.timeFrom ?? mode.timeFrom;
  const to = window?.timeTo ?? mode.timeTo;
  const range = `${from ? code(from) : 'the last 24 hours'} to ${to ? code(to) : 'now'}`;
  const status = mode.status ? `, status ${mode.status}` : '';
  const total = window ? `; the service counted ${plural(window.total, 'job')}` : '';
  return `Window ${range}${status}${total}. Timeout ${formatDuration(settings.timeoutMs)}, poll interval up to ${formatDuration(settings.pollIntervalMs)}, ${plural(watch.polls, 'poll')}.\n`;
}

function buildJobTable(jobs: WatchedJob[], now: number, budget: number, reportNote: string): string {
  if (jobs.length === 0) return '';
  // Problem jobs first, so a cut list still shows them.
  const rank = (watched: WatchedJob): number => {
    if (watched.phase !== 'terminal') return 0;
    const job = watched.job as Job;
    if (job.jobStatus !== 'COMPLETED' || effectiveFailedItems(job) > 0 || job.conflictItems > 0) return 1;
    return 2;
  };
  const ordered = [...jobs].sort((a, b) => rank(a) - rank(b));
  const section = new Section(budget);
  section.add('| Job ID | Type | Status | Items | Progress | Duration |');
  section.add('|---|---|---|---|---|---|');
  for (const watched of ordered) {
    const job = watched.job;
    const row = job
      ? `| ${code(truncate(watched.jobId, 100))} | ${escapeMarkdown(truncate(job.jobType || '-', 40))} | ${statusCell(watched)} | ${itemsCell(job)} | ${progressBar(progressOf(job))} | ${jobDuration(job, now)}${timeLeft(job)} |`
      : `| ${code(truncate(watched.jobId, 100))} | - | ${statusCell(watched)} | - | - | - |`;
    section.add(row);
  }
  const more = section.omitted > 0 ? `\n\n… and ${plural(section.omitted, 'more job')} not shown${reportNote}.` : '';
  const body = section.text() + more;
  const title = `### Jobs (${number(jobs.length)})\n\n`;
  return jobs.length > COLLAPSE_AFTER
    ? title + details(`Table of ${plural(jobs.length, 'job')}`, body)
    : `${title}${body}\n`;
}

interface Group {
  key: string;
  count: number;
  ids: string[];
  jobIds: Set<string>;
}

function collect(jobs: Job[], pick: (job: Job) => [string, number, string[]][]): Group[] {
  const groups = new Map<string, Group>();
  for (const job of jobs) {
    for (const [key, count, ids] of pick(job)) {
      const group = groups.get(key) ?? { key, count: 0, ids: [], jobIds: new Set<string>() };
      group.count += count;
      // Concatenating lists of a million IDs element by element would be slow; a push per list is enough.
      for (let start = 0; start < ids.length; start += 50_000) group.ids.push(...ids.slice(start, start + 50_000));
      group.jobIds.add(job.jobId);
      groups.set(key, group);
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

function countOf(summary: Record<string, number>, key: string, fallback: number): number {
  return summary[key] ?? fallback;
}

function buildGroups(
  title: string,
  groups: Group[],
  budget: number,
  reportNote: string,
  extra: (group: Group) => string,
): string {
  if (groups.length === 0) return '';
  const perGroup = Math.max(512, budget / groups.length);
  // A few IDs in all are shown open; more stay folded so the sections after them remain in view.
  const idCount = groups.reduce((sum, group) => sum + group.ids.length, 0);
  let used = 0;
  const parts: string[] = [`### ${title}\n`];
  let omittedGroups = 0;
  for (const group of groups) {
    if (used > budget) {
      omittedGroups += 1;
      continue;
    }
    const ids = group.ids.length > 0 ? idList(group.ids, perGroup, reportNote) : '_No document IDs listed._';
    const label = `${code(truncate(group.key, 120))}: ${plural(group.count, 'item')}${extra(group)}`;
    const block = details(label, ids, idCount <= COLLAPSE_AFTER);
    used += bytes(block);
    parts.push(block);
  }
  if (omittedGroups > 0) parts.push(`… and ${plural(omittedGroups, 'more group')} not shown${reportNote}.\n`);
  return parts.join('\n');
}

function buildFailures(jobs: Job[], budget: number, reportNote: string): string {
  const groups = collect(jobs, (job) => {
    const entries: [string, number, string[]][] = Object.entries(job.failedItemsDetails).map(([type, ids]) => [
      type,
      countOf(job.errorSummary, type, ids.length),
      ids,
    ]);
    for (const [type, count] of Object.entries(job.errorSummary)) {
      if (!(type in job.failedItemsDetails)) entries.push([type, count, []]);
    }
    if (entries.length === 0 && effectiveFailedItems(job) > 0) {
      entries.push([
        job.errorMessage ? truncate(job.errorMessage, 120) : 'unspecified error',
        effectiveFailedItems(job),
        [],
      ]);
    }
    return entries;
  });
  return buildGroups(
    'Failures by error type',
    groups,
    budget,
    reportNote,
    (group) => ` in ${plural(group.jobIds.size, 'job')}`,
  );
}

function buildConflicts(jobs: Job[], budget: number, reportNote: string): string {
  const conflicting = new Map<string, Set<string>>();
  const groups = collect(jobs, (job) => {
    const reasons = new Set([...Object.keys(job.conflictSummary), ...Object.keys(job.conflictingJobIds)]);
    if (reasons.size === 0 && job.conflictItems > 0) reasons.add('version conflict');
    return [...reasons].map((reason) => {
      const others = conflicting.get(reason) ?? new Set<string>();
      for (const id of job.conflictingJobIds[reason] ?? []) others.add(id);
      conflicting.set(reason, others);
      const count = job.conflictSummary[reason] ?? job.conflictDetailCounts[reason] ?? job.conflictItems;
      return [reason, count, job.conflictDocumentIds[reason] ?? []];
    });
  });
  return buildGroups('Conflicts by reason', groups, budget, reportNote, (group) => {
    const others = [...(conflicting.get(group.key) ?? [])];
    if (others.length === 0) return ` in ${plural(group.jobIds.size, 'job')}`;
    const shown = others
      .slice(0, 10)
      .map((id) => code(truncate(id, 100)))
      .join(', ');
    const rest = others.length > 10 ? ` and ${others.length - 10} more` : '';
    return ` in ${plural(group.jobIds.size, 'job')}, conflicting with ${shown}${rest}`;
  });
}

function buildSkipped(jobs: Job[], budget: number, reportNote: string): string {
  const groups = collect(jobs, (job) => {
    const entries: [string, number, string[]][] = Object.entries(job.skippedItemsDetails).map(([reason, ids]) => [
      reason,
      countOf(job.skippedSummary, reason, ids.length),
      ids,
    ]);
    for (const [reason, count] of Object.entries(job.skippedSummary)) {
      if (!(reason in job.skippedItemsDetails)) entries.push([reason, count, []]);
    }
    if (entries.length === 0 && job.skippedItems > 0) entries.push(['unspecified reason', job.skippedItems, []]);
    return entries;
  });
  return buildGroups(
    'Skipped items by reason',
    groups,
    budget,
    reportNote,
    (group) => ` in ${plural(group.jobIds.size, 'job')}`,
  );
}
