import { describe, expect, it } from 'vitest';
import { buildComment, commentMarker, type CommentInput } from '../../src/report/comment.ts';
import { judge } from '../../src/verdict.ts';
import type { Settings } from '../../src/settings.ts';
import type { WatchResult } from '../../src/watch.ts';
import { makeJob, makeSettings, makeWatch, unreadable, watched } from './fixtures.ts';

/** GitHub rejects a comment body longer than this. */
const GITHUB_LIMIT = 65_536;
const MARKER = commentMarker('catalog', 'deploy', 'gate');
const RUN_URL = 'https://github.com/example/catalog/actions/runs/42';

function comment(watch: WatchResult, settings: Settings = makeSettings(), marker = MARKER): string {
  const input: CommentInput = { settings, watch, verdict: judge(watch, settings), marker, runUrl: RUN_URL };
  return buildComment(input);
}

describe('commentMarker', () => {
  it('names the index, workflow and job', () => {
    expect(MARKER).toBe('<!-- marqo-ecom-jobs-action index=catalog workflow=deploy job=gate -->');
  });

  it('cannot end the HTML comment early', () => {
    const marker = commentMarker('a-->b', 'c--!>d', 'e\n<f>');

    expect(marker.slice(4, -4)).not.toMatch(/--|[<>\n]/);
    expect(marker.endsWith(' -->')).toBe(true);
  });

  it('keeps long names apart', () => {
    const prefix = 'x'.repeat(300);
    const first = commentMarker(`${prefix}-eu`, 'deploy', 'gate');
    const second = commentMarker(`${prefix}-us`, 'deploy', 'gate');

    expect(first).not.toBe(second);
    expect(first.length).toBeLessThan(400);
    expect(commentMarker(`${prefix}-eu`, 'deploy', 'gate')).toBe(first);
  });
});

describe('buildComment', () => {
  const failing = makeJob({
    jobId: 'job-failed',
    jobStatus: 'FAILED',
    totalItems: 1200,
    processedItems: 1188,
    failedItems: 12,
    failedItemsDetails: { invalid_field: Array.from({ length: 12 }, (_, index) => `sku-${index}`) },
  });
  const conflict = makeJob({ jobId: 'job-conflict', jobStatus: 'CONFLICT', processedItems: 98, conflictItems: 2 });
  const body = comment(
    makeWatch([watched(makeJob()), watched(failing), watched(conflict), unreadable('job-lost', 'status 500')]),
  );

  it('starts with the marker and the verdict', () => {
    expect(body.startsWith(`${MARKER}\n### ❌ Marqo jobs failed · <code>catalog</code>\n`)).toBe(true);
  });

  it('lists the reasons', () => {
    expect(body).toContain('- failedItems 12 &gt; max-failed-items 0');
  });

  it('shows the totals with separators', () => {
    expect(body).toContain('| 4 | 1,400 | 1,386 | 12 | 2 | 0 |');
  });

  it('lists only the failing jobs with their first IDs', () => {
    const rows = body.split('\n').filter((line) => line.startsWith('| <code>job-'));

    expect(rows).toEqual([
      '| <code>job-failed</code> | FAILED | 12 | <code>sku-0</code> <code>sku-1</code> <code>sku-2</code> <code>sku-3</code> <code>sku-4</code> <code>sku-5</code> <code>sku-6</code> <code>sku-7</code> <code>sku-8</code> <code>sku-9</code> … |',
      '| <code>job-conflict</code> | CONFLICT | 0 |  |',
      '| <code>job-lost</code> | could not be read | 0 |  |',
    ]);
  });

  it('links the run', () => {
    expect(body.trimEnd().endsWith(`[Full step summary and report](${RUN_URL})`)).toBe(true);
  });

  it('leaves out the job table when all passed', () => {
    const passed = comment(makeWatch([watched(makeJob())]));

    expect(passed).toContain('### ✅ Marqo jobs passed');
    expect(passed).not.toContain('| Job ID |');
  });

  it('stays under the limit with hostile reasons and names', () => {
    const hostile = '|<@`*_&'.repeat(200);
    const jobs = Array.from({ length: 3000 }, (_, index) => unreadable(`${hostile}-${index}`, `${hostile} status 500`));
    const settings = makeSettings({ indexName: hostile.repeat(20) });
    const marker = commentMarker(settings.indexName, hostile, hostile);
    const watch = makeWatch(jobs);
    // The verdict groups reasons by kind; thirty long ones test the budget for them.
    const verdict = {
      ...judge(watch, settings),
      reasons: Array.from({ length: 30 }, (_, index) => `${hostile} ${index}`),
    };
    const big = buildComment({ settings, watch, verdict, marker, runUrl: RUN_URL });

    expect(big.length).toBeLessThan(GITHUB_LIMIT);
    expect(big.startsWith(`${marker}\n`)).toBe(true);
    expect(big).toMatch(/- … and \d+ more reasons in the step summary/);
    expect(big).toMatch(/… and [\d,]+ more jobs with problems in the step summary\./);
  });

  it('stays under the limit with many long failed IDs', () => {
    const jobs = Array.from({ length: 5000 }, (_, index) =>
      watched(
        makeJob({
          jobId: `job-${index}-${'|'.repeat(200)}`,
          processedItems: 0,
          failedItems: 100,
          failedItemsDetails: { bad: Array.from({ length: 100 }, (_, k) => `${'<'.repeat(100)}${index}-${k}`) },
        }),
      ),
    );
    const big = comment(makeWatch(jobs));

    expect(big.length).toBeLessThan(GITHUB_LIMIT);
    expect(big).toContain('| Job ID | Status | Failed | First failed IDs |');
    expect(big).toMatch(/… and [\d,]+ more jobs with problems/);
  });
});
