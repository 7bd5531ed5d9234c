/**
 * The API key, the base URL guard and text from the API, seen from outside: the log, the step
 * summary, the outputs, the report and the requests that reach loopback servers.
 */
import { createServer as createHttpServer } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobFields, ScriptedJob } from '../emulator/server.ts';
import type { RunActionResult } from './run-action.ts';
import {
  API_KEY,
  errorAnnotations,
  expectNoStackTrace,
  expectVerdict,
  HEADING,
  INDEX,
  INPUT_ERROR_HEADING,
  job,
  jobRow,
  OUTPUT_NAMES,
  readReport,
  requestsTo,
  Resources,
} from './resilience-helpers.ts';

const resources = new Resources();
afterAll(() => resources.cleanUp());

/** Decodes the entities escapeMarkdown writes and drops zero-width spaces, as a reader sees the text. */
function rendered(markdown: string): string {
  return markdown
    .replace(/&#(\d+);/g, (_match, digits: string) => String.fromCodePoint(Number(digits)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\u200b/g, '');
}

/** Reads every file the run left under RUNNER_TEMP: outputs, summary, report. */
async function runnerFiles(result: RunActionResult): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(result.runnerTemp, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path, await readFile(path, 'utf8'));
  }
  return files;
}

/** Checks that the key shows only in the mask command, which comes first. */
async function expectKeyHidden(result: RunActionResult): Promise<void> {
  const lines = result.stdout.split('\n');
  expect(lines[0]).toBe(`::add-mask::${API_KEY}`);
  expect(lines.slice(1).filter((line) => line.includes(API_KEY))).toEqual([]);
  expect(result.stderr).not.toContain(API_KEY);
  expect(rendered(result.summary)).not.toContain(API_KEY);
  for (const message of errorAnnotations(result)) expect(message).not.toContain(API_KEY);
  for (const name of OUTPUT_NAMES) expect(rendered(result.outputs[name] ?? '')).not.toContain(API_KEY);
  const files = await runnerFiles(result);
  expect(files.size).toBeGreaterThanOrEqual(3);
  for (const [path, text] of files) expect(rendered(text), path).not.toContain(API_KEY);
}

const OWN_COMMAND = /^::(add-mask|group|endgroup|error|warning|debug|notice)::/;

/** Checks that text from the API started no workflow command and left the summary's markdown intact. */
function expectInert(result: RunActionResult): void {
  const commands = result.stdout.split('\n').filter((line) => line.startsWith('::'));
  for (const line of commands) expect(line).toMatch(OWN_COMMAND);
  for (const line of commands) expect(line).not.toMatch(/^::[a-z-]+::(pwned|name=)/);
  expect(commands.filter((line) => line.startsWith('::add-mask::'))).toHaveLength(2);
  expectNoStackTrace(result);

  const summary = result.summary;
  expect(summary).not.toContain('<img');
  expect(summary).not.toContain('<script');
  expect(summary).not.toMatch(/@[A-Za-z]/);
  expect(summary).not.toContain('`tick`');
  expect(summary).not.toContain('`rm');
  expect(summary.split('<details').length).toBe(summary.split('</details>').length);
  // Every row of a table has the cells of its header row, so no value added a cell.
  let header: number | null = null;
  for (const line of summary.split('\n')) {
    if (!line.startsWith('|')) {
      header = null;
      continue;
    }
    const pipes = line.split('|').length;
    header ??= pipes;
    expect(pipes, line).toBe(header);
  }
}

describe.concurrent('API key', () => {
  it('stays out of everything but the mask', async () => {
    const failed: ScriptedJob = {
      jobId: 'job-echo',
      totalItems: 10,
      timeline: [
        { atMs: 0, status: 'IN_PROGRESS' },
        { atMs: 1200, status: 'FAILED' },
      ],
      // A job-level error with no per-document details, so the summary shows the message itself.
      final: {
        errorMessage: `Upstream rejected the batch sent with key ${API_KEY} at 09:15`,
        failedItems: 0,
        processedItems: 0,
      },
    };
    const emulator = await resources.emulator({ jobs: [failed, job('job-ok', 800)] });

    const result = await resources.run({ 'job-id': 'job-echo,job-ok', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'failed');
    expect(result.outputs['failed-items']).toBe('10');
    expect(rendered(result.summary)).toContain('Upstream rejected the batch sent with key *** at 09:15');
    await expectKeyHidden(result);
    for (const request of emulator.requests) expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('stays out of an echoed 401 body', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-a')] });
    emulator.addFault({
      endpoint: 'job',
      fault: { kind: 'status', status: 401, body: JSON.stringify({ message: `bad key ${API_KEY}` }) },
    });

    const result = await resources.run({ 'job-id': 'job-a', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'failed');
    expect(requestsTo(emulator, 'job')).toHaveLength(1);
    const [message] = errorAnnotations(result);
    expect(message).toContain('status 401 (bad key ***). Check that api-key is a valid Marqo API key');
    await expectKeyHidden(result);
  });
});

describe.concurrent('base-url', () => {
  it.for([
    ['http://example.com/api/v1', 'uses http'],
    ['http://127.0.0.1.nip.io/api/v1', 'uses http'],
    ['ftp://127.0.0.1/api/v1', 'uses ftp'],
    ['https://user:secret@127.0.0.1/api/v1', 'contains credentials'],
  ])('rejects %s before any request', async ([baseUrl, problem]) => {
    const result = await resources.run({ 'job-id': 'job-a', 'base-url': baseUrl as string });

    expectVerdict(result, 'failed', INPUT_ERROR_HEADING);
    expect(result.summary).toContain('No request was sent to the API.');
    const [message] = errorAnnotations(result);
    expect(message).toMatch(/^Invalid input base-url: /);
    expect(message).toContain(problem);
    expect(result.stdout).not.toContain('Retrying');
    expect(result.outputs['job-ids']).toBe('[]');
    expect(result.outputs['report-path']).toBe('');
  });

  it('follows no redirect to another origin', async () => {
    let connections = 0;
    const other = createHttpServer((_request, response) => response.end('{}'));
    other.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as { port: number }).port;
    try {
      const emulator = await resources.emulator({ jobs: [job('job-a')] });
      emulator.addFault({
        endpoint: 'job',
        fault: {
          kind: 'redirect',
          status: 307,
          location: `http://127.0.0.1:${port}/api/v1/indexes/${INDEX}/jobs/job-a`,
        },
      });

      const result = await resources.run({ 'job-id': 'job-a', 'base-url': emulator.baseUrl });

      expectVerdict(result, 'failed');
      expect(connections).toBe(0);
      expect(requestsTo(emulator, 'job')).toHaveLength(1);
      const [message] = errorAnnotations(result);
      expect(message).toContain(
        `status 307 redirects to another origin (http://127.0.0.1:${port}). It was not followed, so the API key is not sent there.`,
      );
      expect(jobRow(result.summary, 'job-a')[2]).toBe('could not be read');
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('follows a same-origin redirect', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-a')] });
    emulator.addFault({
      endpoint: 'job',
      fault: {
        kind: 'redirect',
        status: 307,
        location: `${emulator.origin}/api/v1/indexes/${INDEX}/jobs/job-a?moved=1`,
      },
      times: 1,
    });

    const result = await resources.run({ 'job-id': 'job-a', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'passed');
    const requests = requestsTo(emulator, 'job', 'job-a');
    expect(requests.map((request) => request.status)).toEqual([307, 200]);
    expect(requests[1]?.query).toEqual({ moved: '1' });
    expect(requests[1]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(result.outputs['jobs-by-status']).toBe('{"COMPLETED":1}');
  });
});

describe.concurrent('path segments', () => {
  it('percent-encodes index and job IDs', async () => {
    const index = 'cat alog/ü?#%2F';
    // Spaces and commas separate IDs in job-id, so only the index name has a space.
    const ids = ['job/1?x=y#z', 'job%2F2%41', 'job+3&;é'];
    const emulator = await resources.emulator({ indexName: index, jobs: ids.map((id) => job(id, 1500)) });

    const result = await resources.run({ 'index-name': index, 'job-id': ids.join(','), 'base-url': emulator.baseUrl });

    expectVerdict(result, 'passed');
    expect(JSON.parse(result.outputs['job-ids'] as string)).toEqual(ids);
    const prefix = `/api/v1/indexes/${encodeURIComponent(index)}/jobs`;
    for (const id of ids) {
      const reads = emulator.requests.filter((request) => request.jobId === id);
      expect(reads.length).toBeGreaterThanOrEqual(1);
      for (const request of reads) expect(request.path).toBe(`${prefix}/${encodeURIComponent(id)}`);
    }
    const lists = requestsTo(emulator, 'list');
    expect(lists.length).toBeGreaterThanOrEqual(1);
    for (const request of lists) expect(request.path).toBe(prefix);
    expect(emulator.requests.every((request) => request.status === 200)).toBe(true);
  });

  it('rejects a dot-dot job ID unsent', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-a')] });

    const result = await resources.run({ 'job-id': 'job-a,..', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'failed', INPUT_ERROR_HEADING);
    expect(errorAnnotations(result)[0]).toBe('Invalid input job-id: ".." is not a job ID.');
    expect(emulator.requests).toEqual([]);
  });
});

const HOSTILE = [
  '\n::error::pwned',
  '::set-output name=result::passed',
  '<img src=x onerror=alert(1)>',
  'a|b|c',
  '`rm -rf /`',
  '`tick`',
  '@octocat',
  '</details><script>alert(1)</script>',
];

function hostileJob(jobId: string, index: number, doneAtMs: number): ScriptedJob {
  const errorType = `${HOSTILE[index % HOSTILE.length]} type ${index} ${HOSTILE.join(' ')}`;
  const final: Partial<JobFields> = {
    errorMessage: `${HOSTILE.join(' ')} message ${index}`,
    failedItemsDetails: { [errorType]: HOSTILE.map((text) => `${text}-doc-${index}`) },
    skippedItemsDetails: { [`skip ${HOSTILE.join(' ')}`]: [`@octocat-skipped-${index}`] },
    conflictDetails: {
      [`conflict ${HOSTILE.join(' ')}`]: [{ documentId: `doc|${index}`, conflictingJobId: `${HOSTILE[0]}-other` }],
    },
  };
  const timeline =
    doneAtMs > 0
      ? [
          { atMs: 0, status: 'IN_PROGRESS' },
          { atMs: doneAtMs, status: 'FAILED' },
        ]
      : [{ atMs: 0, status: 'FAILED' }];
  return { jobId, jobType: HOSTILE.join(''), totalItems: 20, timeline, final };
}

describe.concurrent('hostile text', () => {
  it('stays data in window mode', async () => {
    const jobIds = HOSTILE.map((text, i) => `job-${i}${text}`);
    const jobs = jobIds.map((jobId, i) => hostileJob(jobId, i, i === 0 ? 1500 : 0));
    jobs.push({
      jobId: 'job-weird-status',
      totalItems: 1,
      timeline: [{ atMs: 0, status: `WEIRD${HOSTILE.join('')}` }],
    });
    const emulator = await resources.emulator({
      jobs: jobs.map((scripted, i) => ({ ...scripted, createdAtMs: -60_000 + i * 1000 })),
    });

    const result = await resources.run({ 'time-from': '1h', 'base-url': emulator.baseUrl, 'max-skipped-items': '0' });

    expectVerdict(result, 'failed');
    expectInert(result);
    // The active job with a line break in its ID was read on its own.
    expect(requestsTo(emulator, 'job', jobIds[0]).length).toBeGreaterThanOrEqual(1);
    expect(new Set(JSON.parse(result.outputs['job-ids'] as string))).toEqual(new Set([...jobIds, 'job-weird-status']));
    const failedIds = JSON.parse(result.outputs['failed-item-ids'] as string) as string[];
    expect(failedIds).toHaveLength(HOSTILE.length * jobIds.length);
    expect(failedIds).toContain(`${HOSTILE[0]}-doc-0`);
    expect(failedIds).toContain(`${HOSTILE[2]}-doc-3`);

    const report = await readReport(result);
    const documentIds = (report.failedItems as { documentIds: string[] }[]).flatMap((entry) => entry.documentIds);
    expect(new Set(documentIds)).toEqual(new Set(failedIds));
    expect(rendered(result.summary)).toContain('<img src=x onerror=alert(1)>');
    expect(result.summary).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(result.summary).toContain('@\u200boctocat');
  });

  it('stays data in error bodies', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-a'), job('job-b')] });
    const body = JSON.stringify({ message: HOSTILE.join(' ') });
    emulator.addFault({
      endpoint: 'job',
      match: ({ path }) => path.endsWith('/job-a'),
      fault: { kind: 'status', status: 422, body },
    });
    emulator.addFault({
      endpoint: 'job',
      match: ({ path }) => path.endsWith('/job-b'),
      fault: { kind: 'status', status: 503, body: HOSTILE.join('\n') },
      times: 1,
    });

    const result = await resources.run({ 'job-id': 'job-a,job-b', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'failed');
    expectInert(result);
    expect(result.stdout).toMatch(/^Retrying GET \S+job-b in .* status 503 \(::error::pwned ::set-output/m);
    expect(errorAnnotations(result)[0]).toContain('status 422 (::error::pwned ::set-output name=result::passed <img');
    expect(result.outputs['jobs-by-status']).toBe('{"UNREADABLE":1,"COMPLETED":1}');
  });
});

describe.concurrent('annotations', () => {
  it('rolls up warnings over ten', async () => {
    const jobs = Array.from({ length: 30 }, (_, i): ScriptedJob => ({
      jobId: `job-${i}`,
      totalItems: 1,
      timeline: [{ atMs: 0, status: `ODD_${i}` }],
    }));
    const emulator = await resources.emulator({ jobs });

    const result = await resources.run({
      'job-id': jobs.map((scripted) => scripted.jobId).join(','),
      'base-url': emulator.baseUrl,
    });

    expectVerdict(result, 'failed');
    const warnings = result.commands.filter((line) => line.startsWith('::warning::'));
    expect(warnings).toHaveLength(10);
    expect(warnings.at(-1)).toBe(
      '::warning::21 more warnings and errors are in the log only: GitHub shows 10 annotations of each kind per step.',
    );
    expect(result.commands.filter((line) => line.startsWith('::error::'))).toHaveLength(1);
    expect(result.stdout.split('\n').filter((line) => /^Warning: Job job-\d+: unknown status/.test(line))).toHaveLength(
      21,
    );
    expect(errorAnnotations(result)[0]).toContain('Marqo jobs failed: 30 reasons');
    expect(errorAnnotations(result)[0]).toContain('… and 10 more reasons in the step summary');
  });

  it('rolls up jobs not found', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-present')] });
    const missing = Array.from({ length: 30 }, (_, i) => `job-missing-${i}`);

    const result = await resources.run({
      'job-id': ['job-present', ...missing].join(','),
      'base-url': emulator.baseUrl,
    });

    expectVerdict(result, 'failed');
    const warnings = result.commands.filter((line) => line.startsWith('::warning::'));
    expect(warnings.length).toBeLessThanOrEqual(10);
    expect(warnings.filter((line) => line.includes('more warnings and errors are in the log only'))).toHaveLength(1);
    expect(result.commands.filter((line) => line.startsWith('::error::')).length).toBeLessThanOrEqual(10);
    expect(result.outputs['jobs-by-status']).toBe('{"COMPLETED":1,"UNREADABLE":30}');
    expect(result.summary.startsWith(HEADING.failed)).toBe(true);
    expect(errorAnnotations(result)[0]).toContain(`30 jobs could not be read (job-missing-0, job-missing-1`);
    expect(errorAnnotations(result)[0]).toContain('and 20 more): job not found in index');
  }, 40_000);
});
