import { describe, expect, it } from 'vitest';
import { redactForDisplay } from '../../src/report/redact.ts';
import { buildSummary } from '../../src/report/summary.ts';
import { buildComment, commentMarker } from '../../src/report/comment.ts';
import { buildOutputs } from '../../src/report/outputs.ts';
import { judge } from '../../src/verdict.ts';
import { makeJob, makeSettings, makeWatch, makeWindow, unreadable, watched } from './fixtures.ts';

const TOKEN = 'ghs_redactTestToken0123456789abcdefghij';
const KEY = 'marqo_key_0123456789';
const redact = (text: string): string => text.split(TOKEN).join('***').split(KEY).join('***');

/** Decodes entities and removes zero-width spaces, giving the text that GitHub displays. */
function rendered(markdown: string): string {
  return markdown.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code))).replace(/\u200b/g, '');
}

describe('redactForDisplay', () => {
  const leaky = makeJob({
    jobId: `job-${TOKEN}`,
    jobType: `type ${KEY}`,
    jobStatus: 'FAILED',
    rawStatus: 'FAILED',
    processedItems: 96,
    failedItems: 2,
    skippedItems: 1,
    conflictItems: 1,
    errorMessage: `rejected key ${KEY}`,
    failedItemsDetails: { [`bad ${TOKEN}`]: [`doc-${TOKEN}`, `${'x'.repeat(190)}${KEY}`] },
    errorSummary: { [`bad ${TOKEN}`]: 2 },
    skippedItemsDetails: { [`skip ${KEY}`]: [`doc-${KEY}`] },
    skippedSummary: { [`skip ${KEY}`]: 1 },
    conflictingJobIds: { [`conflict ${KEY}`]: [`job-${TOKEN}`] },
    conflictDocumentIds: { [`conflict ${KEY}`]: [`doc-${KEY}`] },
    conflictDetailCounts: { [`conflict ${KEY}`]: 1 },
    conflictSummary: { [`conflict ${KEY}`]: 1 },
    raw: { jobId: `job-${TOKEN}` },
  });
  const watch = makeWatch([watched(leaky), unreadable(`lost-${KEY}`, `status 500 for ${TOKEN}`)], {
    window: makeWindow({ timeFrom: `from ${KEY}` }),
    fatalError: `fatal ${TOKEN}`,
  });
  const settings = makeSettings({ failOnStatus: ['FAILED'] });
  const verdict = judge(watch, settings);
  const redacted = redactForDisplay(watch, verdict, redact);

  it('removes the secrets from every field', () => {
    const { raw: _raw, ...fields } = redacted.watch.jobs[0]!.job!;
    const text = JSON.stringify({
      fields,
      jobs: redacted.watch.jobs.map(({ job: _job, ...rest }) => rest),
      window: redacted.watch.window,
      fatal: redacted.watch.fatalError,
      verdict: redacted.verdict,
    });

    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(KEY);
    expect(text).toContain('doc-***');
  });

  it('keeps the numbers and the status', () => {
    const job = redacted.watch.jobs[0]!.job!;

    expect(job.jobStatus).toBe('FAILED');
    expect(job.failedItems).toBe(2);
    expect(job.errorSummary).toEqual({ 'bad ***': 2 });
    expect(redacted.verdict.totals).toEqual(verdict.totals);
    expect(redacted.verdict.result).toBe('failed');
  });

  it('leaves the input untouched', () => {
    expect(watch.jobs[0]!.jobId).toBe(`job-${TOKEN}`);
    expect(leaky.failedItemsDetails[`bad ${TOKEN}`]).toEqual([`doc-${TOKEN}`, `${'x'.repeat(190)}${KEY}`]);
  });

  it('keeps field names when a secret is one letter', () => {
    const short = redactForDisplay(watch, verdict, (text) => text.split('e').join('***'));
    const job = short.watch.jobs[0]!.job!;

    expect(Object.keys(job).sort()).toEqual(Object.keys(leaky).sort());
    expect(Object.keys(short.verdict.totals).sort()).toEqual(Object.keys(verdict.totals).sort());
    expect(job.jobStatus).toBe('FAILED');
  });

  it('keeps secrets out of summary, comment and outputs', () => {
    const summary = buildSummary({
      settings,
      watch: redacted.watch,
      verdict: redacted.verdict,
      reportPath: null,
      now: Date.UTC(2026, 2, 2, 9, 20),
    });
    const comment = buildComment({
      settings,
      watch: redacted.watch,
      verdict: redacted.verdict,
      marker: commentMarker('catalog', 'ci', 'gate'),
      runUrl: null,
    });
    const outputs = JSON.stringify(buildOutputs(redacted.watch, redacted.verdict, '/tmp/report.json'));

    for (const text of [rendered(summary), rendered(comment), outputs]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(TOKEN.slice(0, 10));
    }
  });

  it('escaping hides secrets from late redaction', () => {
    const summary = buildSummary({ settings, watch, verdict, reportPath: null, now: Date.UTC(2026, 2, 2, 9, 20) });

    expect(redact(summary)).not.toContain(TOKEN);
    expect(rendered(redact(summary))).toContain(TOKEN);
  });
});
