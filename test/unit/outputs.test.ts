import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildOutputs,
  emptyOutputs,
  failedItemIds,
  OUTPUT_FAILED_IDS_LIMIT,
  OUTPUT_NAMES,
  publicSettings,
  writeReport,
} from '../../src/report/outputs.ts';
import { judge } from '../../src/verdict.ts';
import type { WatchResult } from '../../src/watch.ts';
import { makeJob, makeSettings, makeWatch, makeWindow, unreadable, watched } from './fixtures.ts';

const GENERATED_AT = Date.UTC(2026, 2, 2, 9, 20, 0);

function idsOf(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
}

/** Two jobs with 1,500 failed IDs between them, one unknown-status job and one unreadable job. */
function sampleWatch(): WatchResult {
  return makeWatch(
    [
      watched(
        makeJob({
          jobId: 'job-a',
          jobStatus: 'FAILED',
          totalItems: 1200,
          processedItems: 0,
          failedItems: 1200,
          failedItemsDetails: { invalid_field: idsOf('a', 1000), too_large: idsOf('a-big', 200) },
          raw: { jobId: 'job-a', jobStatus: 'FAILED', platformData: { source: 'bulk' }, failedItems: 1200 },
        }),
      ),
      watched(
        makeJob({
          jobId: 'job-b',
          totalItems: 400,
          processedItems: 100,
          failedItems: 300,
          skippedItems: 0,
          failedItemsDetails: { invalid_field: idsOf('b', 300) },
          raw: { jobId: 'job-b', jobStatus: 'COMPLETED', failedItems: 300 },
        }),
      ),
      watched(
        makeJob({
          jobId: 'job-c',
          jobStatus: null,
          rawStatus: 'ARCHIVED',
          raw: { jobId: 'job-c', jobStatus: 'ARCHIVED' },
        }),
      ),
      unreadable('job-d', 'status 500 (an HTML page)'),
    ],
    { window: makeWindow({ total: 4 }) },
  );
}

describe('buildOutputs', () => {
  it('sets every output', () => {
    const watch = sampleWatch();
    const settings = makeSettings();
    const outputs = buildOutputs(watch, judge(watch, settings), '/tmp/report.json');

    expect(Object.keys(outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    expect(outputs.result).toBe('failed');
    expect(JSON.parse(outputs['job-ids'])).toEqual(['job-a', 'job-b', 'job-c', 'job-d']);
    expect(JSON.parse(outputs['jobs-by-status'])).toEqual({ FAILED: 1, COMPLETED: 1, ARCHIVED: 1, UNREADABLE: 1 });
    expect(outputs['total-items']).toBe('1700');
    expect(outputs['processed-items']).toBe('200');
    expect(outputs['failed-items']).toBe('1500');
    expect(outputs['skipped-items']).toBe('0');
    expect(outputs['conflict-items']).toBe('0');
    expect(outputs['report-path']).toBe('/tmp/report.json');
  });

  it('caps failed-item-ids at 1,000', () => {
    const watch = sampleWatch();
    const ids = JSON.parse(buildOutputs(watch, judge(watch, makeSettings()), '')['failed-item-ids']) as string[];

    expect(OUTPUT_FAILED_IDS_LIMIT).toBe(1000);
    expect(ids).toHaveLength(1000);
    expect(ids[0]).toBe('a-0');
    expect(ids[999]).toBe('a-999');
  });

  it('lists fewer IDs in full', () => {
    const job = makeJob({ failedItems: 3, processedItems: 97, failedItemsDetails: { x: ['1', '2'], y: ['"quoted"'] } });
    const watch = makeWatch([watched(job)]);
    const outputs = buildOutputs(watch, judge(watch, makeSettings()), '');

    expect(JSON.parse(outputs['failed-item-ids'])).toEqual(['1', '2', '"quoted"']);
    expect(outputs['report-path']).toBe('');
  });

  it('yields failed IDs job by job', () => {
    expect([...failedItemIds(sampleWatch())]).toHaveLength(1500);
  });
});

describe('emptyOutputs', () => {
  it('sets every output to nothing', () => {
    const outputs = emptyOutputs('failed');

    expect(Object.keys(outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    expect(outputs.result).toBe('failed');
    expect(outputs['job-ids']).toBe('[]');
    expect(outputs['failed-item-ids']).toBe('[]');
    expect(outputs['total-items']).toBe('0');
  });
});

describe('publicSettings', () => {
  it('drops the API key and GitHub token', () => {
    const settings = makeSettings({ apiKey: 'secret-key-xyz', githubToken: 'ghs_secret_token' });
    const shown = publicSettings(settings);

    expect(shown).not.toHaveProperty('apiKey');
    expect(shown).not.toHaveProperty('githubToken');
    expect(JSON.stringify(shown)).not.toContain('secret-key-xyz');
    expect(JSON.stringify(shown)).not.toContain('ghs_secret_token');
    expect(shown.indexName).toBe('catalog');
  });
});

describe('writeReport', () => {
  let directory = '';

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'marqo-report-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  // The report is untyped JSON that the tests index into freely.
  type Json = any;

  async function writeAndRead(
    watch: WatchResult,
    apiKey = 'report-secret-key-42',
  ): Promise<{ text: string; report: Json; path: string }> {
    const path = join(directory, 'report.json');
    const settings = makeSettings({ apiKey, githubToken: 'ghs_report_token', failOnStatus: ['FAILED'] });
    await writeReport(path, settings, watch, judge(watch, settings), GENERATED_AT);
    const text = await readFile(path, 'utf8');
    return { text, report: JSON.parse(text), path };
  }

  it('writes the header', async () => {
    const watch = sampleWatch();
    const { report } = await writeAndRead(watch);

    expect(report.generatedAt).toBe('2026-03-02T09:20:00.000Z');
    expect(report.result).toBe('failed');
    expect(report.reasons).toContain('failedItems 1500 > max-failed-items 0');
    expect(report.outcome).toBe('settled');
    expect(report.polls).toBe(3);
    expect(report.window).toEqual(makeWindow({ total: 4 }));
    expect(report.totals.failedItems).toBe(1500);
    expect(report.jobsByStatus).toEqual({ FAILED: 1, COMPLETED: 1, ARCHIVED: 1, UNREADABLE: 1 });
    expect(report.thresholds).toHaveLength(3);
    expect(report.jobIds).toEqual(['job-a', 'job-b', 'job-c', 'job-d']);
  });

  it('leaves out the API key and GitHub token', async () => {
    const { text, report } = await writeAndRead(sampleWatch(), 'report-secret-key-42');

    expect(report.settings).not.toHaveProperty('apiKey');
    expect(report.settings).not.toHaveProperty('githubToken');
    expect(text).not.toContain('ghs_report_token');
    expect(report.settings.indexName).toBe('catalog');
    expect(report.settings.failOnStatus).toEqual(['FAILED']);
    expect(text).not.toContain('report-secret-key-42');
  });

  it('keeps every raw job object', async () => {
    const { report } = await writeAndRead(sampleWatch());

    expect(report.jobs).toEqual([
      {
        jobId: 'job-a',
        phase: 'terminal',
        error: null,
        job: { jobId: 'job-a', jobStatus: 'FAILED', platformData: { source: 'bulk' }, failedItems: 1200 },
      },
      {
        jobId: 'job-b',
        phase: 'terminal',
        error: null,
        job: { jobId: 'job-b', jobStatus: 'COMPLETED', failedItems: 300 },
      },
      { jobId: 'job-c', phase: 'unknown-status', error: null, job: { jobId: 'job-c', jobStatus: 'ARCHIVED' } },
      { jobId: 'job-d', phase: 'unreadable', error: 'status 500 (an HTML page)', job: null },
    ]);
  });

  it('lists all failed IDs by job and error type', async () => {
    const { report } = await writeAndRead(sampleWatch());

    expect(report.failedItems).toEqual([
      { jobId: 'job-a', errorType: 'invalid_field', documentIds: idsOf('a', 1000) },
      { jobId: 'job-a', errorType: 'too_large', documentIds: idsOf('a-big', 200) },
      { jobId: 'job-b', errorType: 'invalid_field', documentIds: idsOf('b', 300) },
    ]);
  });

  it('writes lists longer than one chunk', async () => {
    const ids = idsOf('doc', 25_001);
    const job = makeJob({
      jobStatus: 'FAILED',
      totalItems: 25_001,
      processedItems: 0,
      failedItems: 25_001,
      failedItemsDetails: { bad: ids, empty: [] },
    });
    const { report } = await writeAndRead(makeWatch([watched(job)]));

    expect(report.failedItems[0].documentIds).toEqual(ids);
    expect(report.failedItems[1]).toEqual({ jobId: 'job-1', errorType: 'empty', documentIds: [] });
  });

  it('keeps hostile IDs exact', async () => {
    const ids = ['"quote"', 'back\\slash', 'line\nbreak', '\u2028', '</script>', '💥', '\u0000'];
    const job = makeJob({
      jobId: 'a"b\nc',
      failedItems: 7,
      processedItems: 93,
      failedItemsDetails: { '"type"\n': ids },
    });
    const { report } = await writeAndRead(makeWatch([watched(job)]));

    expect(report.failedItems).toEqual([{ jobId: 'a"b\nc', errorType: '"type"\n', documentIds: ids }]);
  });

  it('writes valid JSON without jobs', async () => {
    const { report } = await writeAndRead(makeWatch([]));

    expect(report.failedItems).toEqual([]);
    expect(report.jobs).toEqual([]);
    expect(report.jobIds).toEqual([]);
  });

  it('writes valid JSON without failures', async () => {
    const { report } = await writeAndRead(makeWatch([watched(makeJob())]));

    expect(report.failedItems).toEqual([]);
    expect(report.jobs).toHaveLength(1);
  });

  it('is readable by its owner only', async () => {
    const { path } = await writeAndRead(makeWatch([]));

    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('rejects an unwritable path', async () => {
    const watch = makeWatch([]);
    const settings = makeSettings();
    const path = join(directory, 'missing', 'report.json');

    await expect(writeReport(path, settings, watch, judge(watch, settings), GENERATED_AT)).rejects.toThrow(/ENOENT/);
  });

  it('writes a million failed IDs', async () => {
    const ids = idsOf('catalog-document', 1_000_000);
    const job = makeJob({
      jobStatus: 'FAILED',
      totalItems: 1_000_000,
      processedItems: 0,
      failedItems: 1_000_000,
      failedItemsDetails: { bad: ids },
    });
    const { report } = await writeAndRead(makeWatch([watched(job)]));

    expect(report.failedItems[0].documentIds).toHaveLength(1_000_000);
    expect(report.failedItems[0].documentIds[999_999]).toBe('catalog-document-999999');
  }, 60_000);
});
