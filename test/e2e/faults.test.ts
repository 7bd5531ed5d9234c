/**
 * Each fault of the jobs API, played by the emulator against the committed bundle: the verdict,
 * the outputs, the summary, the log and the requests the emulator recorded.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Fault, RecordedRequest, ScriptedJob } from '../emulator/server.ts';
import { uniformJobs } from '../emulator/scenarios.ts';
import { parseTimestamp } from '../emulator/timestamps.ts';
import {
  closedPort,
  errorAnnotations,
  expectVerdict,
  gaps,
  INDEX,
  job,
  jobRow,
  readReport,
  requestsTo,
  Resources,
  retryLines,
} from './resilience-helpers.ts';

const resources = new Resources();
afterAll(() => resources.cleanUp());

const onlyJob =
  (jobId: string) =>
  ({ path }: { path: string }): boolean =>
    path.endsWith(`/jobs/${jobId}`);

/** Returns the retries logged for one job's path, in order. */
function retriesOf(result: Parameters<typeof retryLines>[0], jobId: string): ReturnType<typeof retryLines> {
  return retryLines(result).filter(({ line }) => line.includes(`/jobs/${jobId} `));
}

/** Checks full-jitter backoff: the n-th retry waits at most 2^(n-1) s, and the requests are that far apart. */
function expectBackoff(retries: ReturnType<typeof retryLines>, requests: RecordedRequest[], minGapMs = 0): void {
  expect(requests.length).toBeGreaterThanOrEqual(retries.length + 1);
  retries.forEach((retry, i) => {
    expect(retry.attempt).toBe(i + 2);
    expect(retry.pauseMs).toBeLessThanOrEqual(Math.min(30_000, 1000 * 2 ** i));
    const gap = gaps(requests)[i] as number;
    // The logged pause is rounded to 0.1 s.
    expect(gap).toBeGreaterThanOrEqual(minGapMs + retry.pauseMs - 60);
    expect(gap).toBeLessThan(minGapMs + retry.pauseMs + 5000);
  });
}

describe.concurrent('rate limits', () => {
  it('waits Retry-After seconds', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-a')] });
    emulator.addFault({
      endpoint: 'job',
      fault: { kind: 'status', status: 429, headers: { 'Retry-After': '2' } },
      times: 1,
    });

    const result = await resources.run({ 'job-id': 'job-a', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'passed');
    const requests = requestsTo(emulator, 'job', 'job-a');
    expect(requests.map((request) => request.status)).toEqual([429, 200]);
    expect(gaps(requests)[0]).toBeGreaterThanOrEqual(1950);
    expect(gaps(requests)[0]).toBeLessThan(6000);
    expect(retriesOf(result, 'job-a').map(({ line }) => line)).toEqual([
      `Retrying GET /indexes/${INDEX}/jobs/job-a in 2.0 s (attempt 2 of 8): status 429 (Too Many Requests)`,
    ]);
    expect(result.outputs['jobs-by-status']).toBe('{"COMPLETED":1}');
    expect(result.outputs['total-items']).toBe('20');
    expect(jobRow(result.summary, 'job-a')[2]).toBe('COMPLETED');
  });

  it('waits until a Retry-After date', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-a')] });
    const headers: Record<string, string> = {};
    let retryAt = 0;
    // The date is set when the request arrives, so a slow start of the action cannot put it in
    // the past. An HTTP date has whole seconds, so the moment is rounded up to one.
    const setDate = (): boolean => {
      retryAt = Math.ceil((Date.now() + 2500) / 1000) * 1000;
      headers['Retry-After'] = new Date(retryAt).toUTCString();
      return true;
    };
    emulator.addFault({ endpoint: 'job', match: setDate, fault: { kind: 'status', status: 429, headers }, times: 1 });

    const result = await resources.run({ 'job-id': 'job-a', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'passed');
    const requests = requestsTo(emulator, 'job', 'job-a');
    expect(requests.map((request) => request.status)).toEqual([429, 200]);
    const retriedAt = emulator.startedAt + (requests[1] as RecordedRequest).atMs;
    expect(retriedAt).toBeGreaterThanOrEqual(retryAt - 50);
    expect(retriedAt).toBeLessThan(retryAt + 3000);
    const retries = retriesOf(result, 'job-a');
    expect(retries).toHaveLength(1);
    expect(retries[0]?.cause).toBe('status 429 (Too Many Requests)');
    expect(retries[0]?.pauseMs).toBeGreaterThan(1000);
    expect(result.outputs['jobs-by-status']).toBe('{"COMPLETED":1}');
  });

  it('fails at once when Retry-After passes the timeout', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-a')] });
    emulator.addFault({ endpoint: 'job', fault: { kind: 'status', status: 429, headers: { 'Retry-After': '3600' } } });

    const result = await resources.run({ 'job-id': 'job-a', 'base-url': emulator.baseUrl, timeout: '20s' });

    expectVerdict(result, 'timed-out');
    expect(result.durationMs).toBeLessThan(10_000);
    expect(requestsTo(emulator, 'job')).toHaveLength(1);
    const [message] = errorAnnotations(result);
    expect(message).toContain('the Retry-After of 3600 s would pass the timeout');
    expect(result.summary).toContain('the Retry-After of 3600 s would pass the timeout');
    expect(result.outputs['job-ids']).toBe('["job-a"]');
    expect(result.outputs['total-items']).toBe('0');
  });
});

const TRANSIENT: [string, Fault, string][] = [
  ['429 without Retry-After', { kind: 'status', status: 429 }, 'status 429 (Too Many Requests)'],
  ['500', { kind: 'status', status: 500 }, 'status 500 (Internal Server Error)'],
  ['502', { kind: 'status', status: 502, body: '<html><body>Bad gateway</body></html>' }, 'status 502 (an HTML page)'],
  ['503', { kind: 'status', status: 503, body: '' }, 'status 503 (an empty body)'],
  ['504', { kind: 'status', status: 504 }, 'status 504 (Gateway Timeout)'],
  ['connection reset', { kind: 'reset' }, 'network error'],
];

describe.concurrent('transient failures', () => {
  it.for(TRANSIENT)('retries %s with backoff', async ([, fault, cause]) => {
    const emulator = await resources.emulator({ jobs: [job('job-a', 1500), job('job-b', 1500)] });
    emulator.addFault({ endpoint: 'job', match: onlyJob('job-a'), fault, times: 2 });

    const result = await resources.run({ 'job-id': 'job-a,job-b', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'passed');
    const retries = retriesOf(result, 'job-a');
    expect(retries).toHaveLength(2);
    for (const retry of retries) expect(retry.cause.startsWith(cause)).toBe(true);
    expectBackoff(retries, requestsTo(emulator, 'job', 'job-a').slice(0, 3));
    expect(
      requestsTo(emulator, 'job', 'job-a')
        .slice(0, 3)
        .map((request) => request.fault ?? 'none'),
    ).toEqual([fault.kind, fault.kind, 'none']);
    expect(retriesOf(result, 'job-b')).toEqual([]);
    expect(result.outputs['jobs-by-status']).toBe('{"COMPLETED":2}');
    expect(result.outputs['total-items']).toBe('40');
    expect(result.outputs['processed-items']).toBe('40');
    expect(jobRow(result.summary, 'job-a')[2]).toBe('COMPLETED');
  });

  it('retries a request with no response in time', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-a', 1500)] });
    emulator.addFault({ endpoint: 'job', match: onlyJob('job-a'), fault: { kind: 'hang' }, times: 1 });

    const result = await resources.run({ 'job-id': 'job-a', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'passed');
    const retries = retriesOf(result, 'job-a');
    expect(retries).toHaveLength(1);
    // Each attempt waits 10 s, or twice poll-interval when that is longer, for the response.
    expect(retries[0]?.cause).toBe('no response within 10.0 s');
    expect(retries[0]?.attempt).toBe(2);
    expectBackoff(retries, requestsTo(emulator, 'job', 'job-a').slice(0, 2), 10_000);
    expect(result.outputs['jobs-by-status']).toBe('{"COMPLETED":1}');
  }, 40_000);

  it('retries a refused connection until the service listens', async () => {
    const port = await closedPort();
    let late: Awaited<ReturnType<typeof resources.emulator>> | undefined;
    const starting = new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        resources.emulator({ port, jobs: [job('job-a')] }).then((emulator) => {
          late = emulator;
          resolve();
        }, reject);
      }, 1500);
    });

    const result = await resources.run({ 'job-id': 'job-a', 'base-url': `http://127.0.0.1:${port}/api/v1` });
    await starting;

    expectVerdict(result, 'passed');
    const retries = retriesOf(result, 'job-a');
    expect(retries.length).toBeGreaterThanOrEqual(1);
    retries.forEach((retry, i) => {
      expect(retry.attempt).toBe(i + 2);
      expect(retry.cause).toBe('network error ECONNREFUSED');
      expect(retry.pauseMs).toBeLessThanOrEqual(1000 * 2 ** i);
    });
    expect(requestsTo(late as NonNullable<typeof late>, 'job', 'job-a').map((request) => request.status)).toEqual([
      200,
    ]);
    expect(result.outputs['jobs-by-status']).toBe('{"COMPLETED":1}');
  });

  it('gives up a refused connection at the timeout', async () => {
    const port = await closedPort();

    const result = await resources.run({
      'job-id': 'job-a',
      'base-url': `http://127.0.0.1:${port}/api/v1`,
      timeout: '8s',
    });

    expectVerdict(result, 'timed-out');
    // A backoff pause is cut short so the last attempt fits, so the run ends near the timeout.
    expect(result.durationMs).toBeGreaterThan(6800);
    expect(result.durationMs).toBeLessThan(12_000);
    const retries = retriesOf(result, 'job-a');
    expect(retries.length).toBeGreaterThanOrEqual(3);
    retries.forEach((retry, i) => {
      expect(retry.attempt).toBe(i + 2);
      expect(retry.cause).toBe('network error ECONNREFUSED');
    });
    const [message] = errorAnnotations(result);
    expect(message).toContain('1 job still active when the timeout of 8 s passed: job-a (not read)');
    expect(message).toContain('the last read of 1 job failed (job-a): network error ECONNREFUSED');
    expect(result.summary).toContain('network error ECONNREFUSED');
    expect(jobRow(result.summary, 'job-a')[2]).toBe('not read');
    expect(result.outputs['job-ids']).toBe('["job-a"]');
    expect(result.outputs['jobs-by-status']).toBe('{"UNREADABLE":1}');
    expect(result.outputs['total-items']).toBe('0');
  });
});

const REJECTED: [number, string][] = [
  [400, 'the request was rejected, so it is not retried'],
  [401, `Check that api-key is a valid Marqo API key with access to index "${INDEX}".`],
  [403, `Check that api-key is a valid Marqo API key with access to index "${INDEX}".`],
  [422, 'the request was rejected, so it is not retried'],
];

describe.concurrent('rejected requests', () => {
  it.for(REJECTED)('does not retry %i', async ([status, advice]) => {
    const emulator = await resources.emulator({ jobs: [job('job-a'), job('job-b')] });
    emulator.addFault({
      endpoint: 'job',
      match: onlyJob('job-a'),
      fault: { kind: 'status', status, body: JSON.stringify({ message: 'rejected by the service' }) },
    });

    const result = await resources.run({ 'job-id': 'job-a,job-b', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'failed');
    expect(requestsTo(emulator, 'job', 'job-a')).toHaveLength(1);
    expect(retryLines(result)).toEqual([]);
    const [message] = errorAnnotations(result);
    expect(message).toContain(`status ${status} (rejected by the service)`);
    expect(message).toContain(advice);
    expect(result.summary).toContain(`status ${status} (rejected by the service)`);
    expect(JSON.parse(result.outputs['job-ids'] as string)).toEqual(['job-a', 'job-b']);
    expect(jobRow(result.summary, 'job-a')[2]).toBe('could not be read');
  });
});

describe.concurrent('not found', () => {
  it('asks again for a job, then fails', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-late', 0, { visibleAtMs: 3000 })] });

    const result = await resources.run({ 'job-id': 'job-late,job-missing', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'failed');
    const late = requestsTo(emulator, 'job', 'job-late');
    expect(late[0]?.status).toBe(404);
    expect(late.at(-1)?.status).toBe(200);
    expect(late.at(-1)?.atMs).toBeGreaterThanOrEqual(3000);
    const missing = requestsTo(emulator, 'job', 'job-missing');
    expect(missing.every((request) => request.status === 404)).toBe(true);
    expect(missing.length).toBeGreaterThanOrEqual(3);
    expect((missing.at(-1) as RecordedRequest).atMs - (missing[0] as RecordedRequest).atMs).toBeGreaterThanOrEqual(
      10_000,
    );
    expect((missing.at(-1) as RecordedRequest).atMs - (missing[0] as RecordedRequest).atMs).toBeLessThan(16_000);
    // One list call distinguishes an unknown job from an unknown index.
    expect(requestsTo(emulator, 'list')).toHaveLength(1);

    expect(result.stdout).toContain('Job job-missing: not found yet, asking again for up to 10 s');
    const [message] = errorAnnotations(result);
    expect(message).toContain(`1 job could not be read (job-missing): job not found in index "${INDEX}"`);
    expect(message).not.toContain('job-late');
    expect(result.outputs['jobs-by-status']).toBe('{"COMPLETED":1,"UNREADABLE":1}');
    expect(result.outputs['total-items']).toBe('20');
    expect(jobRow(result.summary, 'job-late')[2]).toBe('COMPLETED');
    expect(jobRow(result.summary, 'job-missing')[2]).toBe('could not be read');
  });

  it('fails at once for an unknown index', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-a')] });
    const inputs = { 'index-name': 'no-such-index', 'base-url': emulator.baseUrl };

    const [byId, byWindow] = await Promise.all([
      resources.run({ ...inputs, 'job-id': 'job-a' }),
      resources.run({ ...inputs, 'time-from': '1h' }),
    ]);

    for (const result of [byId, byWindow]) {
      expectVerdict(result, 'failed');
      expect(result.durationMs).toBeLessThan(8000);
      const [message] = errorAnnotations(result);
      expect(message).toContain('Index "no-such-index" not found');
      expect(message).toContain('Check index-name and base-url.');
      expect(result.summary).toContain('Index &quot;no-such-index&quot; not found');
      expect(result.outputs['total-items']).toBe('0');
    }
    expect(retryLines(byId)).toEqual([]);
    expect(retryLines(byWindow)).toEqual([]);
    expect(emulator.requests.filter((request) => request.endpoint === 'list')).toHaveLength(2);
    expect(emulator.requests.filter((request) => request.endpoint === 'job')).toHaveLength(1);
    expect(byId.outputs['job-ids']).toBe('["job-a"]');
    expect(byWindow.outputs['job-ids']).toBe('[]');
  });
});

const withoutTotalItems = (body: unknown): unknown => {
  const { totalItems: _dropped, ...rest } = body as Record<string, unknown>;
  return rest;
};

const MALFORMED: [string, Fault, string][] = [
  [
    'invalid JSON',
    { kind: 'body', body: '{"jobId": "job-a", "jobStatus": ' },
    'status 200 with a body that is not JSON (32 bytes)',
  ],
  [
    'HTML',
    { kind: 'body', body: '<!DOCTYPE html><html><body>Maintenance</body></html>' },
    'status 200 with a body that is not JSON (an HTML page)',
  ],
  ['truncated body', { kind: 'truncate' }, 'status 200 with a truncated body'],
  [
    'missing field',
    { kind: 'mutate', mutate: withoutTotalItems },
    'field totalItems should be a whole number of 0 or more, got nothing (the field is missing)',
  ],
  [
    'wrong type',
    { kind: 'mutate', mutate: (body) => ({ ...(body as object), totalItems: 'ten' }) },
    'field totalItems should be a whole number of 0 or more, got the string "ten"',
  ],
];

describe.concurrent('malformed responses', () => {
  it.for(MALFORMED)('retries %s, then names it', async ([, fault, problem]) => {
    // job-a gets the fault every time, and job-b twice before it recovers.
    const emulator = await resources.emulator({ jobs: [job('job-a'), job('job-b')] });
    emulator.addFault({ endpoint: 'job', match: onlyJob('job-a'), fault });
    emulator.addFault({ endpoint: 'job', match: onlyJob('job-b'), fault, times: 2 });

    const result = await resources.run({ 'job-id': 'job-a,job-b', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'failed');
    expect(requestsTo(emulator, 'job', 'job-a')).toHaveLength(3);
    expect(requestsTo(emulator, 'job', 'job-b')).toHaveLength(3);
    const retries = retriesOf(result, 'job-a');
    expect(retries.map((retry) => retry.attempt)).toEqual([2, 3]);
    for (const retry of retries) expect(retry.cause).toContain(problem);
    expect(retriesOf(result, 'job-b')).toHaveLength(2);

    const [message] = errorAnnotations(result);
    expect(message).toContain(
      '1 job could not be read (job-a): the API sent 3 responses in a row that are not the documented JSON; the last one: status 200',
    );
    expect(message).toContain(problem);
    expect(result.outputs['jobs-by-status']).toBe('{"UNREADABLE":1,"COMPLETED":1}');
    expect(result.outputs['total-items']).toBe('20');
    expect(jobRow(result.summary, 'job-a')[2]).toBe('could not be read');
    expect(jobRow(result.summary, 'job-b')[2]).toBe('COMPLETED');
  });

  it('fails when the list has a wrong type', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-a')] });
    emulator.addFault({
      endpoint: 'list',
      fault: { kind: 'mutate', mutate: (body) => ({ ...(body as object), jobs: 'none' }) },
    });

    const result = await resources.run({ 'time-from': '1h', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'failed');
    expect(requestsTo(emulator, 'list')).toHaveLength(3);
    const [message] = errorAnnotations(result);
    expect(message).toContain(`Listing the jobs of index "${INDEX}" failed`);
    expect(message).toContain('field jobs should be an array, got the string "none"');
    expect(result.outputs['job-ids']).toBe('[]');
  });

  it('rejects an oversize body unread', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-a')] });
    emulator.addFault({ endpoint: 'job', fault: { kind: 'oversize', bytes: 300 * 1024 * 1024 } });

    const result = await resources.run({ 'job-id': 'job-a', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'failed');
    // Reading 300 MiB over loopback would take seconds, so a quick failure shows the body was not read.
    expect(result.durationMs).toBeLessThan(5000);
    expect(requestsTo(emulator, 'job')).toHaveLength(1);
    expect(retryLines(result)).toEqual([]);
    const [message] = errorAnnotations(result);
    expect(message).toContain('the response body of 314572800 bytes is over the limit of 268435456 bytes (256 MiB)');
    expect(result.outputs['jobs-by-status']).toBe('{"UNREADABLE":1}');
  });

  it('stops reading a chunked oversize body', async () => {
    const emulator = await resources.emulator({ jobs: [job('job-a')] });
    // No Content-Length: the client finds the size only by reading, and must stop at 256 MiB.
    emulator.addFault({ endpoint: 'job', fault: { kind: 'oversize', bytes: 300 * 1024 * 1024, chunked: true } });

    const result = await resources.run({ 'job-id': 'job-a', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'failed');
    expect(requestsTo(emulator, 'job')).toHaveLength(1);
    expect(retryLines(result)).toEqual([]);
    const [message] = errorAnnotations(result);
    expect(message).toContain('the response body is over the limit of 268435456 bytes (256 MiB)');
    expect(result.outputs['jobs-by-status']).toBe('{"UNREADABLE":1}');
  });
});

describe.concurrent('statuses and timestamps', () => {
  it('maps legacy statuses, fails on unknown', async () => {
    const legacy: ScriptedJob = {
      jobId: 'job-legacy',
      totalItems: 10,
      timeline: [
        { atMs: 0, status: 'queued' },
        { atMs: 2500, status: 'running' },
        { atMs: 4000, status: 'completed' },
      ],
    };
    const odd: ScriptedJob = { jobId: 'job-odd', totalItems: 10, timeline: [{ atMs: 0, status: 'EXPLODED' }] };
    const emulator = await resources.emulator({ jobs: [legacy, odd] });

    const [mixed, legacyOnly] = await Promise.all([
      resources.run({ 'job-id': 'job-legacy,job-odd', 'base-url': emulator.baseUrl }),
      resources.run({ 'job-id': 'job-legacy', 'base-url': emulator.baseUrl }),
    ]);

    expectVerdict(legacyOnly, 'passed');
    expect(legacyOnly.outputs['jobs-by-status']).toBe('{"COMPLETED":1}');
    expect(legacyOnly.stdout).toMatch(/^Job job-legacy: (PENDING|IN_PROGRESS) /m);
    expect(legacyOnly.stdout).toMatch(/^Job job-legacy: (PENDING|IN_PROGRESS) -> COMPLETED /m);
    expect(legacyOnly.commands.filter((line) => line.startsWith('::warning::'))).toEqual([]);

    expectVerdict(mixed, 'failed');
    expect(mixed.outputs['jobs-by-status']).toBe('{"COMPLETED":1,"EXPLODED":1}');
    const [message] = errorAnnotations(mixed);
    expect(message).toContain(
      'job job-odd has unknown status "EXPLODED"; a status this action does not know never counts as success',
    );
    expect(mixed.commands).toContain('::warning::Job job-odd: unknown status "EXPLODED"; it is not treated as success');
    expect(jobRow(mixed.summary, 'job-odd')[2]).toBe('unknown: <code>EXPLODED</code>');
    expect(jobRow(mixed.summary, 'job-legacy')[2]).toBe('COMPLETED');
  });

  it('shows durations across offsets', async () => {
    const stamps =
      (startedAt: string | null, completedAt: string | null) =>
      (body: Record<string, unknown>): unknown => ({ ...body, startedAt, completedAt });
    const jobs: ScriptedJob[] = [
      job('job-offset', 0, {
        transform: stamps('2026-03-02T14:45:04.250000+05:30', '2026-03-02T09:16:34.250000+00:00'),
      }),
      job('job-negative-offset', 0, { transform: stamps('2026-03-02T06:15:04.000000-03:00', '2026-03-02T09:17:04Z') }),
      // 1.002 ms apart; read at millisecond precision they would be 2 ms apart.
      job('job-micros', 0, {
        transform: stamps('2026-03-02T09:15:04.000999+00:00', '2026-03-02T09:15:04.002001+00:00'),
      }),
      job('job-no-start', 0, { transform: stamps(null, '2026-03-02T09:16:34.250000+00:00') }),
      job('job-no-end', 0, { transform: stamps('2026-03-02T09:15:04.250000+00:00', null) }),
      job('job-garbled', 0, { transform: stamps('yesterday', '2026-03-02T09:16:34+00:00') }),
      job('job-inverted', 0, { transform: stamps('2026-03-02T09:16:34+00:00', '2026-03-02T09:15:04+00:00') }),
    ];
    const emulator = await resources.emulator({ jobs });

    const result = await resources.run({
      'job-id': jobs.map((scripted) => scripted.jobId).join(','),
      'base-url': emulator.baseUrl,
    });

    expectVerdict(result, 'passed');
    const duration = (jobId: string): string | undefined => jobRow(result.summary, `${jobId}<`)[5];
    expect(duration('job-offset')).toBe('1 min 30 s');
    expect(duration('job-negative-offset')).toBe('2 min');
    expect(duration('job-micros')).toBe('1 ms');
    expect(duration('job-no-start')).toBe('unknown');
    expect(duration('job-no-end')).toBe('unknown');
    expect(duration('job-garbled')).toBe('unknown');
    expect(duration('job-inverted')).toBe('unknown');
    expect(result.outputs['total-items']).toBe('140');
    const report = await readReport(result);
    const reported = (report.jobs as { jobId: string; job: Record<string, unknown> }[]).find(
      (entry) => entry.jobId === 'job-offset',
    );
    expect(reported?.job.startedAt).toBe('2026-03-02T14:45:04.250000+05:30');
  });

  it('keeps the service window when its clock lags', async () => {
    // More jobs than one list call returns, so the window is read in two pages.
    const jobs = uniformJobs(1200, {
      createdFromMs: -30 * 60_000,
      createdToMs: -1000,
      idPrefix: 'job-',
      totalItems: 5,
    });
    const clockOffsetMs = -5000;
    const emulator = await resources.emulator({ jobs, clockOffsetMs });

    const result = await resources.run({ 'time-from': '1h', 'base-url': emulator.baseUrl });

    expectVerdict(result, 'passed');
    const lists = requestsTo(emulator, 'list');
    expect(lists.length).toBeGreaterThanOrEqual(2);
    expect(lists.every((request) => request.status === 200)).toBe(true);
    const [first, ...later] = lists as [RecordedRequest, ...RecordedRequest[]];
    expect(first.query).not.toHaveProperty('timeTo');
    expect(first.query.timeFrom).toBeDefined();
    // The service echoes the window it used, in the format the action sends.
    const serviceNowAtFirst = (emulator.startedAt + first.atMs + clockOffsetMs + 1) * 1000;
    for (const request of later) {
      expect(request.query.timeFrom).toBe(first.query.timeFrom);
      const timeTo = parseTimestamp(request.query.timeTo as string);
      expect(timeTo.ok).toBe(true);
      if (timeTo.ok) expect(timeTo.us).toBeLessThanOrEqual(serviceNowAtFirst);
    }
    expect(JSON.parse(result.outputs['job-ids'] as string)).toHaveLength(1200);
    expect(result.outputs['jobs-by-status']).toBe('{"COMPLETED":1200}');
    expect(result.outputs['total-items']).toBe('6000');
    expect(result.summary).toContain('the service counted 1,200 jobs');
  });
});

describe.concurrent('cancellation', () => {
  it('stops a request in flight on SIGINT', async () => {
    const closedAt = new Map<string, number>();
    const slow: ScriptedJob = {
      jobId: 'job-slow',
      totalItems: 10,
      timeline: [{ atMs: 0, status: 'IN_PROGRESS', progressPercentage: 10 }],
    };
    const emulator = await resources.emulator({
      jobs: [slow, job('job-hang', 60_000)],
      onRequest: (request) => {
        if (request.fault === 'hang') closedAt.set(request.jobId ?? '', Date.now());
      },
    });
    emulator.addFault({ endpoint: 'job', match: onlyJob('job-hang'), fault: { kind: 'hang' } });
    const cancelAfterMs = 2500;

    const startedAt = Date.now();
    const result = await resources.run(
      { 'job-id': 'job-slow,job-hang', 'base-url': emulator.baseUrl },
      { cancelAfterMs },
    );
    const signalledAt = startedAt + cancelAfterMs;

    expectVerdict(result, 'cancelled');
    expect(result.signal).toBeNull();
    expect(result.durationMs).toBeLessThan(cancelAfterMs + 5000);
    expect(result.stdout).toContain('Received SIGINT: stopping requests and writing the report');
    // The hanging request was closed by the action, well before the emulator closed it.
    expect(closedAt.get('job-hang')).toBeDefined();
    expect((closedAt.get('job-hang') as number) - signalledAt).toBeLessThan(3000);
    expect(emulator.requests.filter((request) => emulator.startedAt + request.atMs > signalledAt + 500)).toEqual([]);

    const [message] = errorAnnotations(result);
    expect(message).toContain('the run was cancelled with 2 jobs still active');
    expect(result.summary).toContain('the run was cancelled with 2 jobs still active');
    expect(JSON.parse(result.outputs['job-ids'] as string)).toEqual(['job-slow', 'job-hang']);
    const report = await readReport(result);
    expect(report.result).toBe('cancelled');
  });

  it('stops a Retry-After pause on SIGINT', async () => {
    const slow: ScriptedJob = {
      jobId: 'job-slow',
      totalItems: 10,
      timeline: [{ atMs: 0, status: 'IN_PROGRESS', progressPercentage: 10 }],
    };
    const emulator = await resources.emulator({ jobs: [slow] });
    // The first read succeeds, and every later one gets a 429 with a Retry-After of 30 s.
    emulator.addFault({
      endpoint: 'job',
      match: () => requestsTo(emulator, 'job').length > 1,
      fault: { kind: 'status', status: 429, headers: { 'Retry-After': '30' } },
    });
    const cancelAfterMs = 3000;

    const result = await resources.run({ 'job-id': 'job-slow', 'base-url': emulator.baseUrl }, { cancelAfterMs });

    expectVerdict(result, 'cancelled');
    expect(result.signal).toBeNull();
    expect(result.durationMs).toBeLessThan(cancelAfterMs + 5000);
    expect(retriesOf(result, 'job-slow').map((retry) => retry.pauseMs)).toEqual([30_000]);
    expect(result.outputs['jobs-by-status']).toBe('{"IN_PROGRESS":1}');
    expect(result.outputs['total-items']).toBe('10');
    expect(jobRow(result.summary, 'job-slow')[2]).toBe('IN_PROGRESS');
  });
});
