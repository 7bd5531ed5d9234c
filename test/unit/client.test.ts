import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { MockAgent, type MockPool } from 'undici';
import type { MockInterceptor } from 'undici/types/mock-interceptor.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiError,
  backoffMs,
  describeErrorBody,
  MarqoJobsClient,
  MAX_ATTEMPTS,
  parseRetryAfter,
  type ClientOptions,
} from '../../src/marqo/client.ts';

// Every request goes to a MockAgent with network connections disabled. The origins are loopback
// addresses, so nothing could leave the machine even if a mock were missed.
const ORIGIN = 'http://127.0.0.1:18081';
const OTHER_ORIGIN = 'http://127.0.0.1:18082';
const BASE_URL = `${ORIGIN}/api/v1`;
const API_KEY = 'mq-unit-secret-4f1c9a';
const CREATED_AT = '2026-03-02T09:15:04.120931+00:00';

interface Scripted {
  status: number;
  /** Body text to send, or a value to send as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

interface Recorded {
  origin: string;
  path: string;
  headers: Record<string, string>;
}

function jobBody(jobId = 'job-1', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jobId,
    jobType: 'BULK',
    jobStatus: 'COMPLETED',
    totalItems: 3,
    processedItems: 3,
    failedItems: 0,
    createdAt: CREATED_AT,
    ...overrides,
  };
}

function listBody(jobs: Record<string, unknown>[] = [jobBody()]): Record<string, unknown> {
  return { jobs, total: jobs.length, hasActiveJob: false, timeFrom: CREATED_AT, timeTo: CREATED_AT };
}

function headerRecord(headers: MockInterceptor.MockResponseCallbackOptions['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  if (headers === undefined) return record;
  const entries: Iterable<[string, string]> = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) record[name.toLowerCase()] = String(value);
  return record;
}

// MarqoJobsClient.close() calls destroy(), which MockAgent does not implement, so the tests close
// the agents themselves.
const opened: MockAgent[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((agent) => agent.close()));
});

/** A scripted API on two loopback origins: the base URL's, which replies from a queue, and another one. */
class MockApi {
  readonly agent = new MockAgent();
  readonly requests: Recorded[] = [];
  private readonly queue: Scripted[] = [];

  /** `setup` adds interceptors that take precedence over the scripted queue. */
  constructor(setup?: (pool: MockPool) => void) {
    this.agent.disableNetConnect();
    opened.push(this.agent);
    setup?.(this.agent.get(ORIGIN));
    for (const origin of [ORIGIN, OTHER_ORIGIN]) {
      this.agent
        .get(origin)
        .intercept({ path: () => true, method: 'GET' })
        .reply((options) => {
          this.requests.push({ origin, path: options.path, headers: headerRecord(options.headers) });
          const next = origin === ORIGIN ? this.queue.shift() : { status: 200, body: jobBody() };
          if (next === undefined) return { statusCode: 599, data: 'no scripted response left' };
          let data = '';
          if (typeof next.body === 'string') data = next.body;
          else if (next.body !== undefined) data = JSON.stringify(next.body);
          return {
            statusCode: next.status,
            data,
            responseOptions: { headers: { 'content-type': 'application/json', ...next.headers } },
          };
        })
        .persist();
    }
  }

  respond(...responses: Scripted[]): this {
    this.queue.push(...responses);
    return this;
  }

  get left(): number {
    return this.queue.length;
  }

  requestsTo(origin: string): Recorded[] {
    return this.requests.filter((request) => request.origin === origin);
  }
}

function clientFor(api: MockApi, options: Partial<ClientOptions> = {}): { client: MarqoJobsClient; retries: string[] } {
  const retries: string[] = [];
  const client = new MarqoJobsClient({
    baseUrl: BASE_URL,
    apiKey: API_KEY,
    indexName: 'catalog',
    deadline: Date.now() + 60_000,
    signal: new AbortController().signal,
    attemptTimeoutMs: 5000,
    onRetry: (message) => retries.push(message),
    random: () => 0,
    dispatcher: api.agent,
    ...options,
  });
  return { client, retries };
}

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('MarqoJobsClient requests', () => {
  it('sends the Bearer header', async () => {
    const api = new MockApi().respond({ status: 200, body: jobBody() });
    const { client } = clientFor(api);

    const job = await client.getJob('job-1');

    expect(job.jobId).toBe('job-1');
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(api.requests[0]?.headers.accept).toBe('application/json');
  });

  it('encodes path segments', async () => {
    const api = new MockApi().respond({ status: 200, body: jobBody('x?y#z') });
    const { client } = clientFor(api, { indexName: 'a/b c' });

    const job = await client.getJob('x?y#z');

    expect(job.jobId).toBe('x?y#z');
    expect(api.requests[0]?.path).toBe('/api/v1/indexes/a%2Fb%20c/jobs/x%3Fy%23z');
  });

  // A URL parser resolves `..` and `%2E%2E` alike as a step up the path, so no encoding can
  // carry such a segment. The client rejects it before any request.
  it('rejects a job ID of two dots', async () => {
    const api = new MockApi().respond({ status: 200, body: jobBody('..') });
    const { client } = clientFor(api);

    await expect(client.getJob('..')).rejects.toMatchObject({ kind: 'bad-request' });
    expect(api.requests).toHaveLength(0);
  });

  it('rejects an index name of one dot', async () => {
    const api = new MockApi().respond({ status: 200, body: jobBody() });
    const { client } = clientFor(api, { indexName: '.' });

    await expect(client.getJob('job-1')).rejects.toMatchObject({ kind: 'bad-request' });
    expect(api.requests).toHaveLength(0);
  });

  it('encodes query timestamps', async () => {
    const api = new MockApi().respond({ status: 200, body: listBody() });
    const { client } = clientFor(api, { indexName: 'a/b c' });

    const list = await client.listJobs({
      timeFrom: '2026-03-02T09:15:04.120931+00:00',
      timeTo: '2026-03-02T11:15:04.000000+02:00',
      status: 'FAILED',
      limit: 1000,
    });

    expect(list.jobs).toHaveLength(1);
    const path = api.requests[0]?.path ?? '';
    expect(path).toBe(
      '/api/v1/indexes/a%2Fb%20c/jobs?status=FAILED&timeFrom=2026-03-02T09%3A15%3A04.120931%2B00%3A00&timeTo=2026-03-02T11%3A15%3A04.000000%2B02%3A00&limit=1000',
    );
    const query = path.split('?')[1] ?? '';
    expect(query).not.toContain(':');
    expect(query).not.toContain('+');
  });

  it('sends only the limit by default', async () => {
    const api = new MockApi().respond({ status: 200, body: listBody([]) });
    const { client } = clientFor(api);

    await client.listJobs({ limit: 10, timeFrom: null, status: null });

    expect(api.requests[0]?.path).toBe('/api/v1/indexes/catalog/jobs?limit=10');
  });
});

describe('MarqoJobsClient retries', () => {
  it('honours Retry-After in seconds', async () => {
    const api = new MockApi().respond(
      { status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '1' } },
      { status: 200, body: jobBody() },
    );
    const { client, retries } = clientFor(api);
    const started = performance.now();

    await client.getJob('job-1');

    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(api.requests).toHaveLength(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toContain('in 1.0 s (attempt 2 of 8): status 429 (slow down)');
  });

  it('honours Retry-After as an HTTP date', async () => {
    const now = Date.UTC(2026, 2, 2, 9, 0, 0);
    const api = new MockApi().respond(
      { status: 429, headers: { 'retry-after': new Date(now + 1000).toUTCString() } },
      { status: 200, body: jobBody() },
    );
    const { client, retries } = clientFor(api, { now: () => now, deadline: now + 60_000 });
    const started = performance.now();

    await client.getJob('job-1');

    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(retries[0]).toContain('in 1.0 s');
    expect(api.requests).toHaveLength(2);
  });

  it('honours Retry-After on 503', async () => {
    const api = new MockApi().respond(
      { status: 503, headers: { 'retry-after': '0' } },
      { status: 200, body: jobBody() },
    );
    const { client, retries } = clientFor(api, { random: () => 1 });

    await client.getJob('job-1');

    expect(retries[0]).toContain('in 0.0 s');
  });

  it.each([500, 502, 503, 504, 408])('retries status %d then succeeds', async (status) => {
    const api = new MockApi().respond(
      { status, body: '<html><body>Bad Gateway</body></html>' },
      { status: 200, body: jobBody() },
    );
    const { client, retries } = clientFor(api);

    const job = await client.getJob('job-1');

    expect(job.jobId).toBe('job-1');
    expect(api.requests).toHaveLength(2);
    expect(retries).toEqual([
      `Retrying GET /indexes/catalog/jobs/job-1 in 0.0 s (attempt 2 of 8): status ${status} (an HTML page)`,
    ]);
  });

  it('retries a network error', async () => {
    const api = new MockApi((pool) => {
      pool
        .intercept({ path: '/api/v1/indexes/catalog/jobs/job-1', method: 'GET' })
        .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    });
    api.respond({ status: 200, body: jobBody() });
    const { client, retries } = clientFor(api);

    await client.getJob('job-1');

    expect(retries).toEqual([
      'Retrying GET /indexes/catalog/jobs/job-1 in 0.0 s (attempt 2 of 8): network error ECONNRESET',
    ]);
    expect(api.requests).toHaveLength(1);
  });

  it('gives up after the last attempt', async () => {
    const api = new MockApi().respond(
      ...Array.from({ length: MAX_ATTEMPTS }, () => ({ status: 500, body: { detail: 'boom' } })),
    );
    const { client, retries } = clientFor(api);

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe('retries-exhausted');
    expect(error.message).toBe('gave up after 8 attempts; the last one failed: status 500 (boom)');
    expect(api.requests).toHaveLength(MAX_ATTEMPTS);
    expect(retries).toHaveLength(MAX_ATTEMPTS - 1);
  });

  it.each([
    [400, 'bad-request', 'the request was rejected, so it is not retried'],
    [422, 'bad-request', 'the request was rejected, so it is not retried'],
    [401, 'unauthorized', 'Check that api-key is a valid Marqo API key with access to index "catalog"'],
    [403, 'unauthorized', 'Check that api-key is a valid Marqo API key'],
  ] as const)('does not retry status %d', async (status, kind, hint) => {
    const api = new MockApi().respond(
      { status, body: { message: 'timeFrom is invalid' } },
      { status: 200, body: jobBody() },
    );
    const { client, retries } = clientFor(api);

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.message).toContain(`status ${status} (timeFrom is invalid)`);
    expect(error.message).toContain(hint);
    expect(api.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('reports 404 as not-found', async () => {
    const api = new MockApi().respond({ status: 404, body: { detail: 'Job not found' } });
    const { client } = clientFor(api);

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe('not-found');
    expect(error.status).toBe(404);
    expect(error.message).toBe('status 404 (Job not found)');
    expect(api.requests).toHaveLength(1);
  });

  it('describes an empty error body', async () => {
    const api = new MockApi().respond({ status: 400, body: '' });
    const { client } = clientFor(api);

    expect((await apiError(client.getJob('job-1'))).message).toContain('status 400 (an empty body)');
  });
});

describe('MarqoJobsClient invalid responses', () => {
  it('gives up after three bodies that are not JSON', async () => {
    const api = new MockApi().respond(
      { status: 200, body: 'not json' },
      { status: 200, body: '<!DOCTYPE html><html>proxy</html>' },
      { status: 200, body: '{"jobId": ' },
      { status: 200, body: jobBody() },
    );
    const { client, retries } = clientFor(api);

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe('invalid-response');
    expect(error.message).toBe(
      'the API sent 3 responses in a row that are not the documented JSON; the last one: status 200 with a body that is not JSON (10 bytes)',
    );
    expect(api.requests).toHaveLength(3);
    expect(retries[0]).toContain('status 200 with a body that is not JSON (8 bytes)');
    expect(retries[1]).toContain('status 200 with a body that is not JSON (an HTML page)');
  });

  it('names the field of a wrongly typed body', async () => {
    const api = new MockApi().respond(
      ...Array.from({ length: 3 }, () => ({ status: 200, body: jobBody('job-1', { failedItems: 'two' }) })),
    );
    const { client } = clientFor(api);

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain('field failedItems should be a whole number of 0 or more, got the string "two"');
    expect(api.requests).toHaveLength(3);
  });

  it('names the field of a bad list', async () => {
    const api = new MockApi().respond(
      ...Array.from({ length: 3 }, () => ({
        status: 200,
        body: listBody([jobBody('a'), jobBody('b', { jobStatus: 7 })]),
      })),
    );
    const { client } = clientFor(api);

    const error = await apiError(client.listJobs({ limit: 10 }));

    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain('field jobs[1].jobStatus should be a non-empty string, got number 7');
  });

  it('rejects a job with another jobId', async () => {
    const api = new MockApi().respond(...Array.from({ length: 3 }, () => ({ status: 200, body: jobBody('job-2') })));
    const { client } = clientFor(api);

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain('field jobId should be "job-1", got the string "job-2"');
  });

  it('recovers from one bad body', async () => {
    const api = new MockApi().respond({ status: 200, body: { jobs: 'none' } }, { status: 200, body: listBody() });
    const { client, retries } = clientFor(api);

    const list = await client.listJobs({ limit: 10 });

    expect(list.jobs).toHaveLength(1);
    expect(retries[0]).toContain('status 200 with an unexpected body: field jobs should be an array');
  });

  // The client destroys the body of a response declared too large without an error listener, so
  // undici's BodyReadable emits an unhandled 'error' event and the process exits. It runs in a
  // child process with the client's own Agent and a loopback server, to observe the exit.
  it('rejects a body declared over the limit', async () => {
    const run = await runTooLargeScript();

    expect(run.stdout).toContain(
      'too-large: the response body of 314572800 bytes is over the limit of 268435456 bytes (256 MiB)',
    );
    expect(run.stdout).not.toContain(API_KEY);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('finished');
  }, 30_000);
});

describe('MarqoJobsClient redirects', () => {
  it('does not follow a redirect to another origin', async () => {
    const api = new MockApi().respond({
      status: 302,
      headers: { location: `${OTHER_ORIGIN}/api/v1/indexes/catalog/jobs/job-1` },
    });
    const { client } = clientFor(api);

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe('redirect');
    expect(error.status).toBe(302);
    expect(error.message).toContain(
      `redirects to another origin (${OTHER_ORIGIN}). It was not followed, so the API key is not sent there.`,
    );
    expect(api.requestsTo(OTHER_ORIGIN)).toEqual([]);
    expect(api.requests.every((request) => request.origin === ORIGIN)).toBe(true);
  });

  it.each([
    ['another scheme', `https://127.0.0.1:18081/api/v1/x`],
    ['a protocol-relative URL', '//127.0.0.1:18082/api/v1/x'],
    ['another port', 'http://127.0.0.1:18083/api/v1/x'],
  ])('does not follow a redirect to %s', async (_case, location) => {
    const api = new MockApi().respond({ status: 307, headers: { location } });
    const { client } = clientFor(api);

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe('redirect');
    expect(api.requests).toHaveLength(1);
  });

  it('follows a same-origin redirect', async () => {
    const api = new MockApi().respond(
      { status: 301, headers: { location: '/api/v2/indexes/catalog/jobs/job-1?moved=1' } },
      { status: 200, body: jobBody() },
    );
    const { client } = clientFor(api);

    const job = await client.getJob('job-1');

    expect(job.jobId).toBe('job-1');
    expect(api.requests.map((request) => request.path)).toEqual([
      '/api/v1/indexes/catalog/jobs/job-1',
      '/api/v2/indexes/catalog/jobs/job-1?moved=1',
    ]);
    expect(api.requests[1]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('stops after three redirects', async () => {
    const hop = { status: 302, headers: { location: '/api/v1/indexes/catalog/jobs/job-1' } };
    const api = new MockApi().respond(hop, hop, hop, hop, { status: 200, body: jobBody() });
    const { client } = clientFor(api);

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe('redirect');
    expect(error.message).toBe('more than 3 redirects');
    expect(api.requests).toHaveLength(4);
  });

  it('rejects a redirect without Location', async () => {
    const api = new MockApi().respond({ status: 302 });
    const { client } = clientFor(api);

    expect((await apiError(client.getJob('job-1'))).message).toBe('status 302 without a Location header');
  });
});

describe('MarqoJobsClient deadline', () => {
  it('fails at once when Retry-After passes the deadline', async () => {
    const api = new MockApi().respond(
      { status: 429, headers: { 'retry-after': '60' } },
      { status: 200, body: jobBody() },
    );
    const { client, retries } = clientFor(api, { deadline: Date.now() + 5000 });
    const started = performance.now();

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe('deadline');
    expect(error.message).toBe('status 429 (an empty body); the Retry-After of 60 s would pass the timeout');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(api.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('fails when backoff passes the deadline', async () => {
    const api = new MockApi().respond({ status: 500 }, { status: 200, body: jobBody() });
    const { client } = clientFor(api, { deadline: Date.now() + 500, random: () => 1 });

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe('deadline');
    expect(error.message).toContain('the next retry would pass the timeout');
  });

  it('sends nothing after the deadline', async () => {
    const api = new MockApi().respond({ status: 200, body: jobBody() });
    const { client } = clientFor(api, { deadline: Date.now() - 1 });

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe('deadline');
    expect(error.message).toBe('timeout reached before the request');
    expect(api.requests).toEqual([]);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const api = new MockApi().respond({ status: 200, body: jobBody() });
    const { client } = clientFor(api, { signal: controller.signal });

    expect((await apiError(client.getJob('job-1'))).kind).toBe('cancelled');
    expect(api.requests).toEqual([]);
  });

  it('stops a pause when cancelled', async () => {
    const controller = new AbortController();
    const api = new MockApi().respond(
      { status: 429, headers: { 'retry-after': '30' } },
      { status: 200, body: jobBody() },
    );
    const { client } = clientFor(api, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe('cancelled');
    expect(api.requests).toHaveLength(1);
  });
});

describe('MarqoJobsClient secrecy', () => {
  const FAILURES: [string, Scripted[]][] = [
    ['status 400', [{ status: 400, body: { message: 'bad request' } }]],
    ['status 401', [{ status: 401 }]],
    ['status 403', [{ status: 403, body: 'Forbidden' }]],
    ['status 404', [{ status: 404 }]],
    ['status 500 eight times', Array.from({ length: MAX_ATTEMPTS }, () => ({ status: 500 }))],
    ['invalid JSON', Array.from({ length: 3 }, () => ({ status: 200, body: '{' }))],
    ['another origin', [{ status: 302, headers: { location: `${OTHER_ORIGIN}/x` } }]],
    ['Retry-After past the deadline', [{ status: 429, headers: { 'retry-after': '3600' } }]],
  ];

  it.each(FAILURES)('keeps the API key out of %s', async (_case, responses) => {
    const api = new MockApi().respond(...responses);
    const { client, retries } = clientFor(api);

    const error = await apiError(client.getJob('job-1'));

    expect(error.message).not.toContain(API_KEY);
    expect(String(error.stack)).not.toContain(API_KEY);
    for (const line of retries) expect(line).not.toContain(API_KEY);
  });

  // The client copies the `message` of an error body into ApiError.message, so a service that
  // echoes the rejected key puts it in the error, the log and the step summary.
  it('keeps an echoed API key out of the error', async () => {
    const api = new MockApi().respond({ status: 401, body: { message: `Invalid API key: ${API_KEY}` } });
    const { client } = clientFor(api);

    const error = await apiError(client.getJob('job-1'));

    expect(error.kind).toBe('unauthorized');
    expect(error.message).not.toContain(API_KEY);
  });

  it('keeps an echoed API key out of retry lines', async () => {
    const api = new MockApi().respond(
      { status: 500, body: `upstream rejected Bearer ${API_KEY}` },
      { status: 200, body: jobBody() },
    );
    const { client, retries } = clientFor(api);

    await client.getJob('job-1');

    expect(retries).toHaveLength(1);
    expect(retries[0]).not.toContain(API_KEY);
  });
});

describe('parseRetryAfter', () => {
  const NOW = Date.UTC(2026, 2, 2, 9, 0, 0);

  it.each([
    ['5', 5000],
    ['0', 0],
    ['1.5', 1500],
    [' 2 ', 2000],
    [new Date(NOW + 30_000).toUTCString(), 30_000],
    [new Date(NOW - 30_000).toUTCString(), 0],
    [['3', '9'], 3000],
  ] as const)('reads %j', (value, ms) => {
    expect(parseRetryAfter(typeof value === 'string' ? value : [...value], NOW)).toBe(ms);
  });

  it.each([undefined, '', 'soon'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeNull();
  });
});

describe('backoffMs', () => {
  it('doubles up to 30 s with full jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffMs(attempt, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect(backoffMs(5, () => 0)).toBe(0);
    expect(backoffMs(3, () => 0.5)).toBe(2000);
  });
});

describe('describeErrorBody', () => {
  it.each([
    ['', 'an empty body'],
    ['{"message": "bad key"}', 'bad key'],
    ['{"detail": "not found"}', 'not found'],
    ['{"error": "oops"}', 'oops'],
    ['{"message": ""}', '{"message": ""}'],
    ['<!DOCTYPE html><html></html>', 'an HTML page'],
    ['<html><body>502</body></html>', 'an HTML page'],
    ['plain\ntext\u0000here', 'plain text here'],
  ])('describes %j', (body, described) => {
    expect(describeErrorBody(Buffer.from(body))).toBe(described);
  });

  it('cuts a long body', () => {
    const described = describeErrorBody(Buffer.from('x'.repeat(5000)));

    expect(described).toBe(`${'x'.repeat(200)}…`);
  });
});

/**
 * Runs a script that serves a response declaring 300 MiB on 127.0.0.1, calls getJob with the
 * client's own Agent, prints the error kind and message, then waits 200 ms and prints finished.
 */
function runTooLargeScript(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clientUrl = pathToFileURL(new URL('../../src/marqo/client.ts', import.meta.url).pathname).href;
  const script = `
    import { createServer } from 'node:http';
    const { MarqoJobsClient } = await import(${JSON.stringify(clientUrl)});
    const server = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(300 * 1024 * 1024) });
      response.write('{"jobs": [');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new MarqoJobsClient({
      baseUrl: 'http://127.0.0.1:' + server.address().port + '/api/v1',
      apiKey: ${JSON.stringify(API_KEY)},
      indexName: 'catalog',
      deadline: Date.now() + 10000,
      signal: new AbortController().signal,
      attemptTimeoutMs: 5000,
      random: () => 0,
    });
    try {
      await client.getJob('job-1');
      console.log('resolved');
    } catch (error) {
      console.log(error.kind + ': ' + error.message);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.close();
    server.closeAllConnections();
    server.close();
    console.log('finished');
  `;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }, (error, stdout, stderr) => {
      let code: number | null = 0;
      if (error !== null) code = typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}
