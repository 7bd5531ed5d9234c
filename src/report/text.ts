import type { Settings } from '../settings.ts';
import type { WatchResult } from '../watch.ts';
import type { Verdict } from '../verdict.ts';
import { effectiveFailedItems } from '../verdict.ts';
import { formatDuration } from '../time.ts';
import { logSafe } from '../logger.ts';
import { jobDuration } from './summary.ts';

const MAX_JOB_ROWS = 50;
const IDS_PER_GROUP = 20;

const TITLES: Record<Verdict['result'], string> = {
  passed: 'PASSED',
  failed: 'FAILED',
  'timed-out': 'TIMED OUT',
  pending: 'PENDING',
  cancelled: 'CANCELLED',
};

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function clip(text: string, width: number): string {
  const safe = logSafe(text);
  return safe.length > width ? `${safe.slice(0, width - 1)}…` : safe;
}

/**
 * Builds the plain-text summary that the command-line tool prints: the verdict and its reasons,
 * totals, a table of jobs (problem jobs first, at most 50 rows) and failed IDs by error type.
 */
export function buildTextSummary(settings: Settings, watch: WatchResult, verdict: Verdict, now: number): string {
  const lines: string[] = [];
  lines.push(
    `Marqo jobs ${TITLES[verdict.result]}: index ${settings.indexName}, ${watch.jobs.length} job(s), watched for ${formatDuration(watch.finishedAt - watch.startedAt)}`,
  );
  for (const reason of verdict.reasons) lines.push(`  - ${logSafe(reason)}`);
  for (const note of verdict.notes) lines.push(`  note: ${logSafe(note)}`);
  const t = verdict.totals;
  lines.push('');
  lines.push(
    `Items: ${t.totalItems} total, ${t.processedItems} processed, ${t.failedItems} failed, ${t.conflictItems} in conflict, ${t.skippedItems} skipped`,
  );
  const byStatus = Object.entries(verdict.jobsByStatus).map(([status, count]) => `${count} ${status}`);
  if (byStatus.length > 0) lines.push(`Jobs: ${byStatus.join(', ')}`);

  if (watch.jobs.length > 0) {
    lines.push('');
    lines.push(
      `${pad('JOB ID', 38)} ${pad('STATUS', 12)} ${pad('PROCESSED/TOTAL', 16)} ${pad('FAILED', 7)} ${pad('CONFLICT', 9)} ${pad('SKIPPED', 8)} DURATION`,
    );
    const problems = (job: WatchResult['jobs'][number]): number => {
      if (job.job === null || job.phase !== 'terminal') return 0;
      return job.job.jobStatus === 'COMPLETED' && effectiveFailedItems(job.job) === 0 && job.job.conflictItems === 0
        ? 2
        : 1;
    };
    const ordered = [...watch.jobs].sort((a, b) => problems(a) - problems(b));
    for (const watched of ordered.slice(0, MAX_JOB_ROWS)) {
      const job = watched.job;
      if (job === null) {
        lines.push(
          `${pad(clip(watched.jobId, 38), 38)} ${pad(watched.phase === 'unreadable' ? 'UNREADABLE' : 'NOT FOUND', 12)}`,
        );
        continue;
      }
      const status = job.jobStatus ?? `?${job.rawStatus}`;
      lines.push(
        `${pad(clip(watched.jobId, 38), 38)} ${pad(clip(status, 12), 12)} ${pad(`${job.processedItems}/${job.totalItems}`, 16)} ${pad(String(effectiveFailedItems(job)), 7)} ${pad(String(job.conflictItems), 9)} ${pad(String(job.skippedItems), 8)} ${jobDuration(job, now)}`,
      );
    }
    if (ordered.length > MAX_JOB_ROWS)
      lines.push(`… and ${ordered.length - MAX_JOB_ROWS} more jobs (all are in the JSON report)`);
  }

  const byType = new Map<string, string[]>();
  for (const watched of watch.jobs) {
    for (const [type, ids] of Object.entries(watched.job?.failedItemsDetails ?? {})) {
      const list = byType.get(type) ?? [];
      for (const id of ids) {
        if (list.length >= IDS_PER_GROUP) break;
        list.push(id);
      }
      byType.set(type, list);
    }
  }
  if (byType.size > 0) {
    lines.push('');
    lines.push('Failed document IDs by error type (first 20 of each):');
    for (const [type, ids] of byType) lines.push(`  ${clip(type, 80)}: ${ids.map((id) => clip(id, 80)).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
