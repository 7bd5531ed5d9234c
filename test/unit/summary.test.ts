import { describe, expect, it } from 'vitest';
import {
  buildSummary,
  jobDuration,
  progressBar,
  SUMMARY_LIMIT_BYTES,
  type SummaryInput,
} from '../../src/report/summary.ts';
import { judge } from '../../src/verdict.ts';
import type { Settings } from '../../src/settings.ts';
import type { WatchResult } from '../../src/watch.ts';
import { makeJob, makeSettings, makeWatch, makeWindow, unreadable, watched } from './fixtures.ts';

const NOW = Date.UTC(2026, 2, 2, 9, 20, 0);
const MIB = 1024 * 1024;
const REPORT_PATH = '/home/runner/work/_temp/marqo-jobs-report.json';

function summarize(
  watch: WatchResult,
  settings: Settings = makeSettings(),
  reportPath: string | null = REPORT_PATH,
): string {
  const input: SummaryInput = { settings, watch, verdict: judge(watch, settings), reportPath, now: NOW };
  return buildSummary(input);
}

/** Removes the tags the summary writes itself, so any `<` left came from data. */
function withoutOwnTags(summary: string): string {
  return summary.replace(/<\/?(code|summary)>|<details( open)?>|<\/details>/g, '');
}

/** Checks that each table row has as many cell separators as its header. */
function expectIntactTables(summary: string): void {
  let columns: number | null = null;
  for (const line of summary.split('\n')) {
    if (!line.startsWith('|')) {
      columns = null;
      continue;
    }
    const pipes = line.split('|').length - 1;
    if (columns === null) columns = pipes;
    else expect(pipes, `row ${JSON.stringify(line.slice(0, 200))}`).toBe(columns);
  }
}

describe('buildSummary layout', () => {
  const failing = makeJob({
    jobId: 'job-failed',
    jobStatus: 'FAILED',
    totalItems: 10,
    processedItems: 5,
    failedItems: 3,
    skippedItems: 2,
    failedItemsDetails: { invalid_field: ['doc-1', 'doc-2'], too_large: ['doc-3'] },
    errorSummary: { invalid_field: 2, too_large: 1 },
    skippedItemsDetails: { unchanged: ['doc-4', 'doc-5'] },
    skippedSummary: { unchanged: 2 },
  });
  const conflicting = makeJob({
    jobId: 'job-conflict',
    jobStatus: 'CONFLICT',
    totalItems: 4,
    processedItems: 3,
    conflictItems: 1,
    conflictingJobIds: { version_conflict: ['job-older'] },
    conflictDocumentIds: { version_conflict: ['doc-in-conflict'] },
    conflictDetailCounts: { version_conflict: 1 },
    conflictSummary: { version_conflict: 1 },
  });
  const running = makeJob({
    jobId: 'job-running',
    jobStatus: 'IN_PROGRESS',
    totalItems: 20,
    processedItems: 9,
    progressPercentage: 45,
    completedAt: null,
  });
  const settings = makeSettings({
    selection: { mode: 'window', timeFrom: '2026-03-01T09:15:00.000000+00:00', timeTo: null, status: null },
    maxFailedItems: { kind: 'count', value: 0, text: '0' },
    maxConflictItems: { kind: 'percent', value: 2, text: '2%' },
    maxSkippedItems: null,
    failOnStatus: ['CANCELLED', 'FAILED'],
  });
  const watch = makeWatch([watched(running), watched(failing), watched(conflicting)], {
    outcome: 'timed-out',
    window: makeWindow({
      timeFrom: '2026-03-01T09:15:00.000000+00:00',
      timeTo: '2026-03-02T09:15:00.000000+00:00',
      total: 3,
    }),
  });
  const summary = summarize(watch, settings);

  it('starts with the verdict heading', () => {
    expect(summary.startsWith('## ⏱️ Marqo jobs timed out\n')).toBe(true);
  });

  it('names the index and counts', () => {
    expect(summary).toContain('Index <code>catalog</code> · 3 jobs · 34 items · watched for 2 min 30 s');
  });

  it('lists the reasons', () => {
    expect(summary).toContain('**Reasons**');
    expect(summary).toContain('- 1 job still active when the timeout of 30 min passed: job-running (IN&#95;PROGRESS)');
    expect(summary).toContain('- failedItems 3 &gt; max-failed-items 0');
    expect(summary).toContain('- conflictItems 1 (2.94% of 34 items) &gt; max-conflict-items 2% (0.7 items)');
    expect(summary).toContain('- 1 job ended FAILED, which fail-on-status lists: job-failed');
  });

  it('shows the totals', () => {
    expect(summary).toContain(
      '| Jobs | Items | Processed | Failed | Conflict | Skipped |\n|---:|---:|---:|---:|---:|---:|\n| 3 | 34 | 17 | 3 | 1 | 2 |',
    );
    expect(summary).toContain('Jobs by status: IN&#95;PROGRESS 1 · FAILED 1 · CONFLICT 1');
  });

  it('tables the jobs with problem jobs first', () => {
    expect(summary).toContain('### Jobs (3)');
    const rows = summary.split('\n').filter((line) => line.startsWith('| <code>job-'));
    expect(rows.map((row) => /<code>(job-[a-z]+)<\/code>/.exec(row)?.[1])).toEqual([
      'job-running',
      'job-failed',
      'job-conflict',
    ]);
    expect(rows[0]).toBe(
      '| <code>job-running</code> | BULK | IN_PROGRESS | 9 / 20 | ▰▰▰▰▰▱▱▱▱▱ 45% | 4 min 55 s so far |',
    );
    expect(rows[1]).toBe(
      '| <code>job-failed</code> | BULK | FAILED | 5 / 10, 3 failed, 2 skipped | ▰▰▰▰▰▰▰▰▰▰ 100% | 1 min |',
    );
  });

  it('groups failures by error type with IDs in code', () => {
    expect(summary).toContain('### Failures by error type');
    expect(summary).toContain('<summary><code>invalid&#95;field</code>: 2 items in 1 job</summary>');
    expect(summary).toContain('<code>doc-1</code> <code>doc-2</code>');
    expect(summary).toContain('<summary><code>too&#95;large</code>: 1 item in 1 job</summary>');
    expect(summary).toContain('<code>doc-3</code>');
  });

  it('names the conflicting jobs', () => {
    expect(summary).toContain('### Conflicts by reason');
    expect(summary).toContain(
      '<code>version&#95;conflict</code>: 1 item in 1 job, conflicting with <code>job-older</code>',
    );
  });

  it('groups skipped items by reason', () => {
    expect(summary).toContain('### Skipped items by reason');
    expect(summary).toContain('<code>unchanged</code>: 2 items in 1 job');
    expect(summary).toContain('<code>doc-4</code> <code>doc-5</code>');
  });

  it('shows the thresholds', () => {
    expect(summary).toContain('### Thresholds');
    expect(summary).toContain('| `max-failed-items` | 0 | 3 | ❌ exceeded |');
    expect(summary).toContain('| `max-conflict-items` | 2% (0 items) | 1 | ❌ exceeded |');
    expect(summary).toContain('| `max-skipped-items` | no limit | 2 | ✅ |');
    expect(summary).toContain('| `fail-on-status` | CANCELLED, FAILED | | |');
  });

  it('describes the window last', () => {
    const windowLine =
      'Window <code>2026-03-01T09:15:00.000000+00:00</code> to <code>2026-03-02T09:15:00.000000+00:00</code>; the service counted 3 jobs. Timeout 30 min, poll interval up to 5 s, 3 polls.';
    expect(summary).toContain(windowLine);
    expect(summary.trimEnd().endsWith(windowLine)).toBe(true);
  });

  it('orders the sections', () => {
    const order = [
      '## ',
      '**Reasons**',
      '| Jobs |',
      '### Jobs',
      '### Failures',
      '### Conflicts',
      '### Skipped',
      '### Thresholds',
      'Window ',
    ];
    const positions = order.map((marker) => summary.indexOf(marker));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('keeps its tables intact', () => {
    expectIntactTables(summary);
  });

  it('never shows the secrets', () => {
    expect(summary).not.toContain(settings.apiKey);
    expect(summarize(watch, { ...settings, githubToken: 'ghs_summary_token' })).not.toContain('ghs_summary_token');
  });
});

describe('buildSummary headings', () => {
  it.each([
    ['settled', [watched(makeJob())], '## ✅ Marqo jobs passed'],
    ['settled', [watched(makeJob({ failedItems: 1, processedItems: 99 }))], '## ❌ Marqo jobs failed'],
    ['snapshot', [watched(makeJob({ jobStatus: 'PENDING', processedItems: 0 }))], '## ⏳ Marqo jobs still pending'],
    ['cancelled', [watched(makeJob({ jobStatus: 'IN_PROGRESS' }))], '## 🛑 Marqo jobs watch cancelled'],
  ] as const)('writes the %s heading first', (outcome, jobs, heading) => {
    const summary = summarize(makeWatch([...jobs], { outcome }));

    expect(summary.split('\n')[0]).toBe(heading);
  });

  it('titles the reasons of a failure', () => {
    const summary = summarize(makeWatch([watched(makeJob({ failedItems: 1, processedItems: 99 }))]));

    expect(summary).toContain('**Why it failed**\n\n- failedItems 1 &gt; max-failed-items 0');
  });

  it('shows notes as quotes', () => {
    const settings = makeSettings({ selection: { mode: 'window', timeFrom: null, timeTo: null, status: null } });
    const summary = summarize(makeWatch([], { window: makeWindow() }), settings);

    expect(summary).toContain('> no job in the window; nothing to check');
    expect(summary).not.toContain('### Jobs');
  });

  it('describes a job-id watch', () => {
    const settings = makeSettings({ selection: { mode: 'ids', jobIds: ['job-1', 'job-2'] } });
    const summary = summarize(makeWatch([watched(makeJob())]), settings);

    expect(summary).toContain('Watched 2 job IDs given in `job-id`. Timeout 30 min, poll interval up to 5 s, 3 polls.');
  });

  it('describes the default window', () => {
    const settings = makeSettings({ selection: { mode: 'window', timeFrom: null, timeTo: null, status: 'FAILED' } });
    const summary = summarize(makeWatch([watched(makeJob())]), settings);

    expect(summary).toContain('Window the last 24 hours to now, status FAILED.');
  });

  it('marks unreadable and unknown jobs', () => {
    const jobs = [
      unreadable('lost', 'status 500'),
      watched(makeJob({ jobId: 'odd', jobStatus: null, rawStatus: 'ARCHIVED' })),
    ];
    const summary = summarize(makeWatch(jobs));

    expect(summary).toContain('| <code>lost</code> | - | could not be read | - | - | - |');
    expect(summary).toContain('| unknown: <code>ARCHIVED</code> |');
  });

  it('names the error message of a failed job without details', () => {
    const job = makeJob({ jobStatus: 'FAILED', totalItems: 10, processedItems: 0, errorMessage: 'index is read-only' });
    const summary = summarize(makeWatch([watched(job)]));

    expect(summary).toContain('<code>index is read-only</code>: 10 items in 1 job');
    expect(summary).toContain('_No document IDs listed._');
  });
});

describe('buildSummary hostile data', () => {
  const HOSTILE = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    'a|b|c',
    '`rm -rf`',
    '@octocat',
    'cc @github/security',
    'line\nbreak\r\n::error::pwned',
    '::error::top',
    '</code></details><h1>x</h1>',
    '[click](https://example.com)',
    '**bold** _em_ ~~s~~',
  ];

  function hostileSummary(): string {
    const [first = '', second = '', third = ''] = HOSTILE;
    const ids = HOSTILE.map((text, index) => `${text}#${index}`);
    const details: Record<string, string[]> = {};
    const counts: Record<string, number> = {};
    for (const type of HOSTILE) {
      details[type] = ids;
      counts[type] = ids.length;
    }
    const jobs = [
      watched(
        makeJob({
          jobId: first,
          jobType: second,
          jobStatus: 'FAILED',
          totalItems: 200,
          processedItems: 0,
          failedItems: 121,
          skippedItems: 11,
          conflictItems: 11,
          failedItemsDetails: details,
          errorSummary: counts,
          skippedItemsDetails: { [third]: ids },
          conflictingJobIds: { [HOSTILE[6] ?? '']: HOSTILE },
          conflictSummary: { [HOSTILE[6] ?? '']: 11 },
        }),
      ),
      watched(makeJob({ jobId: 'line\nbreak @octocat', jobStatus: null, rawStatus: '<b>|`@x`|</b>' })),
      watched(
        makeJob({
          jobId: '|`x`|',
          jobStatus: 'FAILED',
          totalItems: 5,
          processedItems: 0,
          errorMessage: '<script>|@octocat|\n::error::x',
        }),
      ),
      unreadable('@octocat|<i>', '<b>status</b> | @octocat\n::warning::x'),
    ];
    const settings = makeSettings({ indexName: '<idx>|@octocat', failOnStatus: ['FAILED'] });
    return summarize(makeWatch(jobs), settings, '/tmp/<report>|@me.json');
  }

  const summary = hostileSummary();

  it('opens no HTML from data', () => {
    expect(withoutOwnTags(summary)).not.toContain('<');
    expect(summary).toContain('&lt;script&gt;');
  });

  it('splits no table cell', () => {
    expectIntactTables(summary);
    expect(summary).toContain('&#124;');
  });

  it('mentions nobody', () => {
    expect(summary).not.toMatch(/@[A-Za-z0-9_-]/);
    expect(summary).toContain('@\u200boctocat');
  });

  it('writes no backtick from data', () => {
    const rest = summary.replace(
      /`(max-failed-items|max-conflict-items|max-skipped-items|fail-on-status|job-id)`/g,
      '',
    );
    expect(rest).not.toContain('`');
    expect(summary).toContain('&#96;rm -rf&#96;');
  });

  it('starts no line with a workflow command', () => {
    expect(summary).not.toMatch(/^\s*::/m);
    expect(summary).not.toContain('break\n');
  });

  it('makes no link or emphasis from data', () => {
    expect(summary).not.toContain('[click]');
    expect(summary).not.toContain('**bold**');
  });
});

describe('buildSummary size', () => {
  it('stays under 1 MiB for a million failed IDs and 5,000 jobs', () => {
    const bigIds = Array.from(
      { length: 1_000_000 },
      (_, index) => `catalog-document-${index.toString().padStart(7, '0')}`,
    );
    const big = makeJob({
      jobId: 'job-big',
      jobStatus: 'FAILED',
      totalItems: 1_000_000,
      processedItems: 0,
      failedItems: 1_000_000,
      failedItemsDetails: { invalid_field: bigIds },
      errorSummary: { invalid_field: 1_000_000 },
    });
    const others = Array.from({ length: 4999 }, (_, index) =>
      makeJob({
        jobId: `job-${index.toString().padStart(4, '0')}-${'x'.repeat(30)}`,
        totalItems: 50,
        processedItems: 48,
        failedItems: 1,
        skippedItems: 1,
        failedItemsDetails: { [`error_type_${index % 300}`]: [`doc-${index}`] },
        skippedItemsDetails: { [`skip_reason_${index % 300}`]: [`doc-${index}-s`] },
      }),
    );
    const watch = makeWatch([big, ...others].map(watched));
    const summary = summarize(watch, makeSettings({ failOnStatus: ['FAILED'] }));
    const size = Buffer.byteLength(summary, 'utf8');

    expect(size).toBeLessThan(MIB);
    expect(size).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(summary.startsWith('## ❌ Marqo jobs failed')).toBe(true);
    expect(summary).toMatch(
      /… and [\d,]+ more jobs not shown \(all are in the JSON report, <code>\/home\/runner\/work\/&#95;temp\/marqo-jobs-report.json<\/code>\)\./,
    );
    expect(summary).toMatch(/… and [\d,]+ more IDs not shown/);
    expect(summary).toContain('### Thresholds');
    expect(summary).toContain('<code>invalid&#95;field</code>: 1,000,000 items in 1 job');
    expectIntactTables(summary);
  }, 60_000);

  it('stays under 1 MiB with many long hostile reasons', () => {
    const jobs = Array.from({ length: 200 }, (_, index) => unreadable(`job-${index}`, `${'|<@'.repeat(700)} ${index}`));
    const summary = summarize(makeWatch(jobs));

    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThan(MIB);
    expect(summary).toContain('- … and 150 more reasons (all are in the JSON report');
  });

  it('cuts groups past its budget', () => {
    const jobs = Array.from({ length: 5000 }, (_, index) =>
      watched(
        makeJob({
          jobId: `job-${index}`,
          processedItems: 99,
          failedItems: 1,
          failedItemsDetails: { [`${'<|'.repeat(60)}${index}`]: [`${'@|'.repeat(100)}${index}`] },
        }),
      ),
    );
    const summary = summarize(makeWatch(jobs));

    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThan(MIB);
    expect(summary).toMatch(/… and [\d,]+ more groups not shown/);
  });

  it('names no report path when there is none', () => {
    const ids = Array.from({ length: 200_000 }, (_, index) => `doc-${index}`);
    const job = makeJob({
      failedItems: 200_000,
      totalItems: 200_000,
      processedItems: 0,
      failedItemsDetails: { bad: ids },
    });
    const summary = summarize(makeWatch([watched(job)]), makeSettings(), null);

    expect(summary).toMatch(/… and [\d,]+ more IDs not shown\./);
    expect(summary).not.toContain('JSON report');
  });
});

describe('jobDuration', () => {
  it('measures a finished job', () => {
    expect(jobDuration(makeJob(), NOW)).toBe('1 min');
  });

  it('measures a running job up to now', () => {
    const job = makeJob({ jobStatus: 'IN_PROGRESS', startedAt: '2026-03-02T09:19:30.000000+00:00', completedAt: null });

    expect(jobDuration(job, NOW)).toBe('30 s so far');
  });

  it('says not started for a pending job', () => {
    expect(jobDuration(makeJob({ jobStatus: 'PENDING', startedAt: null, completedAt: null }), NOW)).toBe('not started');
  });

  it('gives unknown for missing or reversed times', () => {
    expect(jobDuration(makeJob({ startedAt: null }), NOW)).toBe('unknown');
    expect(jobDuration(makeJob({ completedAt: null }), NOW)).toBe('unknown');
    expect(jobDuration(makeJob({ startedAt: '2026-03-02T09:17:00Z', completedAt: '2026-03-02T09:16:00Z' }), NOW)).toBe(
      'unknown',
    );
  });
});

describe('progressBar', () => {
  it.each([
    [0, '▱▱▱▱▱▱▱▱▱▱ 0%'],
    [44, '▰▰▰▰▱▱▱▱▱▱ 44%'],
    [45, '▰▰▰▰▰▱▱▱▱▱ 45%'],
    [99.9, '▰▰▰▰▰▰▰▰▰▰ 99%'],
    [100, '▰▰▰▰▰▰▰▰▰▰ 100%'],
    [-5, '▱▱▱▱▱▱▱▱▱▱ 0%'],
    [250, '▰▰▰▰▰▰▰▰▰▰ 100%'],
  ])('draws %d%%', (percent, bar) => {
    expect(progressBar(percent)).toBe(bar);
  });
});
