import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRandom, demoScenario, failedJobWithIds, sameTimestampPile, uniformJobs } from './scenarios.ts';
import { startEmulator } from './server.ts';
import type { Emulator, EmulatorOptions, ScriptedJob } from './server.ts';

const AUTH = { authorization: 'Bearer demo-key' };

const running: Emulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator(options);
  running.push(emulator);
  return emulator;
}

// Response bodies are untyped JSON that the tests index into freely.
type Json = any;

async function getJson(
  url: string,
  headers: Record<string, string> = AUTH,
): Promise<{ status: number; body: Json; response: Response }> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), response };
}

function listUrl(emulator: Emulator, query: Record<string, string> = {}, indexName = 'catalog-demo'): string {
  const search = new URLSearchParams(query).toString();
  return `${emulator.baseUrl}/indexes/${encodeURIComponent(indexName)}/jobs${search === '' ? '' : `?${search}`}`;
}

function jobUrl(emulator: Emulator, jobId: string, indexName = 'catalog-demo'): string {
  return `${emulator.baseUrl}/indexes/${encodeURIComponent(indexName)}/jobs/${encodeURIComponent(jobId)}`;
}

/** `YYYY-MM-DDTHH:MM:SS` of a whole second, for building exact timestamps. */
function wholeSecond(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

function completedJob(jobId: string, extra: Partial<ScriptedJob> = {}): ScriptedJob {
  return { jobId, totalItems: 10, createdAtMs: -5_000, timeline: [{ atMs: -4_000, status: 'COMPLETED' }], ...extra };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends a GET over node:http and reports the bytes received and whether the body was complete. */
function rawGet(
  url: string,
  headers: Record<string, string> = AUTH,
): Promise<{ status: number; headers: Record<string, unknown>; received: number; ended: 'complete' | 'error' }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('error', () => {});
      res.on('close', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          received,
          ended: res.complete ? 'complete' : 'error',
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('authentication', () => {
  it('rejects a request without Authorization', async () => {
    const emulator = await start();
    const { status, body } = await getJson(listUrl(emulator), {});
    expect(status).toBe(401);
    expect(typeof body.message).toBe('string');
  });

  it('rejects a wrong API key', async () => {
    const emulator = await start();
    const { status, body } = await getJson(listUrl(emulator), { authorization: 'Bearer other-key' });
    expect(status).toBe(401);
    expect(body.message).toMatch(/API key/);
  });

  it('rejects a scheme other than Bearer', async () => {
    const emulator = await start();
    const { status } = await getJson(listUrl(emulator), { authorization: 'Basic ZGVtby1rZXk=' });
    expect(status).toBe(401);
  });

  it('accepts any scheme case and a custom key', async () => {
    const emulator = await start({ apiKey: 's3cret' });
    expect((await getJson(listUrl(emulator), { authorization: 'bearer s3cret' })).status).toBe(200);
    expect((await getJson(listUrl(emulator), AUTH)).status).toBe(401);
  });
});

describe('routing', () => {
  it('returns 404 for an unknown index', async () => {
    const emulator = await start({ jobs: [completedJob('job-1')] });
    const list = await getJson(listUrl(emulator, {}, 'other-index'));
    const job = await getJson(jobUrl(emulator, 'job-1', 'other-index'));
    expect(list.status).toBe(404);
    expect(list.body).toEqual({ detail: 'Index not found' });
    expect(job.status).toBe(404);
    expect(job.body).toEqual({ detail: 'Index not found' });
  });

  it('returns 404 for an unknown job', async () => {
    const emulator = await start({ jobs: [completedJob('job-1')] });
    const { status, body } = await getJson(jobUrl(emulator, 'job-2'));
    expect(status).toBe(404);
    expect(body).toEqual({ detail: 'Job not found' });
  });

  it('returns a scripted job', async () => {
    const emulator = await start({ jobs: [completedJob('job-1')] });
    const { status, body, response } = await getJson(jobUrl(emulator, 'job-1'));
    expect(status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(body.jobId).toBe('job-1');
    expect(body.jobStatus).toBe('COMPLETED');
  });

  it('rejects other paths and methods', async () => {
    const emulator = await start({ jobs: [completedJob('job-1')] });
    expect((await getJson(`${emulator.origin}/api/v2/indexes/catalog-demo/jobs`)).status).toBe(404);
    expect((await getJson(`${emulator.baseUrl}/indexes/catalog-demo/jobs/job-1/extra`)).status).toBe(404);
    const post = await fetch(listUrl(emulator), { method: 'POST', headers: AUTH });
    expect(post.status).toBe(405);
    expect(emulator.requests.map((request) => request.endpoint)).toEqual(['other', 'other', 'list']);
  });

  it('decodes percent-encoded index and job IDs', async () => {
    const indexName = 'shop/eu catalog 100%';
    const jobId = 'job/ä 50% done?#';
    const emulator = await start({ indexName, jobs: [completedJob(jobId)] });

    const job = await getJson(jobUrl(emulator, jobId, indexName));
    expect(job.status).toBe(200);
    expect(job.body.jobId).toBe(jobId);
    expect((await getJson(listUrl(emulator, {}, indexName))).status).toBe(200);

    const recorded = emulator.requests[0];
    expect(recorded?.path).toBe('/api/v1/indexes/shop%2Feu%20catalog%20100%25/jobs/job%2F%C3%A4%2050%25%20done%3F%23');
    expect(recorded?.indexName).toBe(indexName);
    expect(recorded?.jobId).toBe(jobId);
  });

  it('treats an unencoded slash as a separator', async () => {
    const emulator = await start({ jobs: [completedJob('a/b')] });
    const { status } = await getJson(`${emulator.baseUrl}/indexes/catalog-demo/jobs/a/b`);
    expect(status).toBe(404);
  });

  it('rejects invalid percent-encoding', async () => {
    const emulator = await start();
    const { status, body } = await getJson(`${emulator.baseUrl}/indexes/catalog-demo/jobs/bad%E0%A4%A`);
    expect(status).toBe(400);
    expect(body.message).toMatch(/percent-encoding/);
  });
});

describe('list query validation', () => {
  const monthAgo = (extraMs: number): string => new Date(Date.now() - 30 * 86_400_000 + extraMs).toISOString();
  const invalid: [string, Record<string, string>, RegExp][] = [
    ['limit 0', { limit: '0' }, /limit/],
    ['limit 1001', { limit: '1001' }, /limit/],
    ['limit not a number', { limit: 'ten' }, /limit/],
    ['limit fraction', { limit: '1.5' }, /limit/],
    ['limit negative', { limit: '-1' }, /limit/],
    ['limit empty', { limit: '' }, /limit/],
    ['status unknown', { status: 'active' }, /status/],
    ['status empty', { status: '' }, /status/],
    ['timeFrom not a timestamp', { timeFrom: 'yesterday' }, /timeFrom/],
    ['timeFrom without offset', { timeFrom: '2026-03-02T09:15:04' }, /timeFrom/],
    ['timeFrom with 7 fraction digits', { timeFrom: `${wholeSecond(Date.now() - 60_000)}.1234567Z` }, /timeFrom/],
    ['timeFrom impossible date', { timeFrom: '2026-02-30T00:00:00Z' }, /timeFrom/],
    ['timeFrom older than 30 days', { timeFrom: monthAgo(-60_000) }, /timeFrom.*30 days/],
    ['timeTo in the future', { timeTo: new Date(Date.now() + 60_000).toISOString() }, /timeTo.*future/],
    ['timeTo not a timestamp', { timeTo: 'now' }, /timeTo/],
    [
      'timeTo before timeFrom',
      { timeFrom: new Date(Date.now() - 60_000).toISOString(), timeTo: new Date(Date.now() - 120_000).toISOString() },
      /before timeFrom/,
    ],
    ['timeFrom in the future', { timeFrom: new Date(Date.now() + 60_000).toISOString() }, /before timeFrom/],
  ];

  it.each(invalid)('rejects %s with 400', async (_name, query, message) => {
    const emulator = await start();
    const { status, body } = await getJson(listUrl(emulator, query));
    expect(status).toBe(400);
    expect(body.message).toMatch(message);
  });

  const valid: [string, Record<string, string>][] = [
    ['limit 1', { limit: '1' }],
    ['limit 1000', { limit: '1000' }],
    ['lower-case status', { status: 'completed' }],
    ['legacy QUEUED', { status: 'QUEUED' }],
    ['legacy running', { status: 'running' }],
    ['timeFrom 30 days ago plus a minute', { timeFrom: monthAgo(60_000) }],
    ['timeFrom with offset', { timeFrom: `${wholeSecond(Date.now() + 2 * 3_600_000 - 60_000)}.5+02:00` }],
    ['timeFrom with compact offset', { timeFrom: `${wholeSecond(Date.now() - 3 * 3_600_000 - 60_000)}-0300` }],
    ['timeTo with microseconds', { timeTo: `${wholeSecond(Date.now() - 1_000)}.999999Z` }],
  ];

  it.each(valid)('accepts %s', async (_name, query) => {
    const emulator = await start();
    const { status } = await getJson(listUrl(emulator, query));
    expect(status).toBe(200);
  });

  it('rejects an unencoded plus in an offset', async () => {
    const emulator = await start();
    const timeFrom = `${wholeSecond(Date.now() - 60_000)}+00:00`;
    const { status, body } = await getJson(`${listUrl(emulator)}?timeFrom=${timeFrom}`);
    expect(status).toBe(400);
    expect(body.message).toMatch(/timeFrom/);
  });

  it('echoes the default window of 24 hours', async () => {
    const before = Date.now();
    const emulator = await start();
    const { body } = await getJson(listUrl(emulator));
    const after = Date.now();
    expect(body.timeTo).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
    expect(Date.parse(body.timeTo)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(body.timeTo)).toBeLessThanOrEqual(after);
    expect(Date.parse(body.timeTo) - Date.parse(body.timeFrom)).toBe(86_400_000);
    expect(body.timeFrom.slice(19)).toBe(body.timeTo.slice(19));
  });

  it('judges the future by the service clock', async () => {
    const emulator = await start({ clockOffsetMs: -5_000 });
    const runnerNow = new Date().toISOString();
    const { status, body } = await getJson(listUrl(emulator, { timeTo: runnerNow }));
    expect(status).toBe(400);
    expect(body.message).toMatch(/timeTo.*future/);
    expect((await getJson(listUrl(emulator, { timeTo: new Date(Date.now() - 6_000).toISOString() }))).status).toBe(200);
  });
});

describe('list results', () => {
  it('lists newest first with full total', async () => {
    const emulator = await start({ jobs: uniformJobs(2_500, { seed: 7 }) });
    const startedAt = performance.now();
    const { status, body } = await getJson(listUrl(emulator, { limit: '1000' }));
    const elapsedMs = performance.now() - startedAt;

    expect(status).toBe(200);
    expect(body.total).toBe(2_500);
    expect(body.jobs).toHaveLength(1_000);
    const created = body.jobs.map((job: Json) => job.createdAt as string);
    expect([...created].sort().reverse()).toEqual(created);
    expect(elapsedMs).toBeLessThan(2_000);
  });

  it('defaults the limit to 10', async () => {
    const emulator = await start({ jobs: uniformJobs(25) });
    const { body } = await getJson(listUrl(emulator));
    expect(body.jobs).toHaveLength(10);
    expect(body.total).toBe(25);
  });

  it('orders a timestamp pile by ID', async () => {
    const createdAt = `${wholeSecond(Date.now() - 3_600_000)}.120931+00:00`;
    const emulator = await start({ jobs: sameTimestampPile(1_500, createdAt) });
    const first = await getJson(listUrl(emulator, { limit: '1000' }));
    const second = await getJson(listUrl(emulator, { limit: '1000' }));

    expect(first.body.total).toBe(1_500);
    expect(first.body.jobs).toHaveLength(1_000);
    const ids = first.body.jobs.map((job: Json) => job.jobId as string);
    expect([...ids].sort()).toEqual(ids);
    expect(second.body.jobs.map((job: Json) => job.jobId)).toEqual(ids);
    expect(new Set(first.body.jobs.map((job: Json) => job.createdAt))).toEqual(new Set([createdAt]));
  });

  it('includes window ends to the microsecond', async () => {
    const second = wholeSecond(Date.now() - 3_600_000);
    const jobs = [1, 2, 3, 4].map((micro) =>
      completedJob(`job-${micro}`, { createdAt: `${second}.00000${micro}+00:00` }),
    );
    const emulator = await start({ jobs });

    const exact = await getJson(listUrl(emulator, { timeFrom: `${second}.000002Z`, timeTo: `${second}.000003Z` }));
    expect(exact.body.jobs.map((job: Json) => job.jobId)).toEqual(['job-3', 'job-2']);
    expect(exact.body.total).toBe(2);
    expect(exact.body.timeFrom).toBe(`${second}.000002+00:00`);
    expect(exact.body.timeTo).toBe(`${second}.000003+00:00`);

    const single = await getJson(
      listUrl(emulator, { timeFrom: `${second}.000002+00:00`, timeTo: `${second}.000002+00:00` }),
    );
    expect(single.body.jobs.map((job: Json) => job.jobId)).toEqual(['job-2']);

    const shifted = new Date(Date.parse(`${second}Z`) + 2 * 3_600_000).toISOString().slice(0, 19);
    const offset = await getJson(listUrl(emulator, { timeFrom: `${shifted}.000003+02:00` }));
    expect(offset.body.jobs.map((job: Json) => job.jobId)).toEqual(['job-4', 'job-3']);
    expect(offset.body.timeFrom).toBe(`${second}.000003+00:00`);
  });

  it('filters by status and legacy names', async () => {
    const jobs = [
      completedJob('done-1'),
      completedJob('done-2'),
      completedJob('failed-1', { timeline: [{ atMs: -4_000, status: 'FAILED' }] }),
      completedJob('queued-1', { timeline: [{ atMs: -4_000, status: 'QUEUED' }] }),
      completedJob('pending-1', { timeline: [] }),
      completedJob('running-1', { timeline: [{ atMs: -4_000, status: 'running' }] }),
    ];
    const emulator = await start({ jobs });

    const completed = await getJson(listUrl(emulator, { status: 'COMPLETED', limit: '1' }));
    expect(completed.body.total).toBe(2);
    expect(completed.body.jobs).toHaveLength(1);

    const pending = await getJson(listUrl(emulator, { status: 'queued' }));
    expect(pending.body.jobs.map((job: Json) => job.jobId).sort()).toEqual(['pending-1', 'queued-1']);

    const inProgress = await getJson(listUrl(emulator, { status: 'IN_PROGRESS' }));
    expect(inProgress.body.jobs.map((job: Json) => job.jobStatus)).toEqual(['running']);
  });

  it('aggregates the returned jobs', async () => {
    const jobs = [
      completedJob('done', { totalItems: 10 }),
      completedJob('failed', {
        totalItems: 10,
        timeline: [{ atMs: -4_000, status: 'FAILED' }],
        final: { failedItems: 4 },
      }),
      completedJob('conflict', {
        totalItems: 10,
        timeline: [{ atMs: -4_000, status: 'CONFLICT' }],
        final: { conflictItems: 2, skippedItems: 1 },
      }),
      completedJob('waiting', { totalItems: 10, timeline: [] }),
    ];
    const emulator = await start({ jobs, totalDocs: 12_345 });
    const { body } = await getJson(listUrl(emulator));

    expect(body.totalDocs).toBe(12_345);
    expect(body.hasActiveJob).toBe(true);
    expect(body.jobsByStatus).toEqual({
      PENDING: 1,
      IN_PROGRESS: 0,
      COMPLETED: 1,
      FAILED: 1,
      CONFLICT: 1,
      CANCELLED: 0,
    });
    expect(body.docsByStatus).toEqual({ PROCESSED: 10 + 6 + 7, FAILED: 4, SKIPPED: 3, PENDING: 10 });

    const terminalOnly = await getJson(listUrl(emulator, { status: 'COMPLETED' }));
    expect(terminalOnly.body.hasActiveJob).toBe(false);
  });

  it('omits jobs created after service-now', async () => {
    const emulator = await start({
      jobs: [completedJob('past'), completedJob('future', { createdAtMs: 60_000, timeline: [] })],
    });
    const { body } = await getJson(listUrl(emulator));
    expect(body.jobs.map((job: Json) => job.jobId)).toEqual(['past']);
    expect((await getJson(jobUrl(emulator, 'future'))).status).toBe(404);
  });

  it('hides a job until it is visible', async () => {
    const emulator = await start({ jobs: [completedJob('late', { visibleAtMs: 400 })] });
    expect((await getJson(jobUrl(emulator, 'late'))).status).toBe(404);
    expect((await getJson(listUrl(emulator))).body.total).toBe(0);

    await sleep(500);
    expect((await getJson(jobUrl(emulator, 'late'))).status).toBe(200);
    expect((await getJson(listUrl(emulator))).body.total).toBe(1);
  });
});

describe('timelines', () => {
  it('interpolates progress while IN_PROGRESS', async () => {
    const job: ScriptedJob = {
      jobId: 'halfway',
      totalItems: 200,
      createdAtMs: -60_000,
      timeline: [
        { atMs: -60_000, status: 'PENDING' },
        { atMs: -30_000, status: 'IN_PROGRESS' },
        { atMs: 30_000, status: 'COMPLETED' },
      ],
    };
    const emulator = await start({ jobs: [job] });
    const { body } = await getJson(jobUrl(emulator, 'halfway'));

    expect(body.jobStatus).toBe('IN_PROGRESS');
    expect(body.progressPercentage).toBeGreaterThan(48);
    expect(body.progressPercentage).toBeLessThan(53);
    expect(body.processedItems).toBe(Math.floor((200 * body.progressPercentage) / 100));
    expect(body.estimatedTimeMinutes).toBe(1);
    expect(body.completedAt).toBeNull();
    expect(Math.abs(Date.parse(body.startedAt) - (emulator.startedAt - 30_000))).toBeLessThanOrEqual(1);
    expect(Math.abs(Date.parse(body.createdAt) - (emulator.startedAt - 60_000))).toBeLessThanOrEqual(1);
    expect(body.createdAt).toMatch(/\.\d{6}\+00:00$/);
  });

  it('moves through its phases over time', async () => {
    const job: ScriptedJob = {
      jobId: 'quick',
      totalItems: 40,
      timeline: [
        { atMs: 0, status: 'PENDING' },
        { atMs: 500, status: 'IN_PROGRESS' },
        { atMs: 1_000, status: 'COMPLETED' },
      ],
    };
    const emulator = await start({ jobs: [job] });
    const first = await getJson(jobUrl(emulator, 'quick'));
    expect(first.body.jobStatus).toBe('PENDING');
    expect(first.body.startedAt).toBeNull();
    expect(first.body.processedItems).toBe(0);

    await sleep(Math.max(0, emulator.startedAt + 700 - Date.now()));
    const middle = await getJson(jobUrl(emulator, 'quick'));
    expect(middle.body.jobStatus).toBe('IN_PROGRESS');
    expect(middle.body.startedAt).not.toBeNull();

    await sleep(Math.max(0, emulator.startedAt + 1_050 - Date.now()));
    const last = await getJson(jobUrl(emulator, 'quick'));
    expect(last.body.jobStatus).toBe('COMPLETED');
    expect(last.body.progressPercentage).toBe(100);
    expect(last.body.processedItems).toBe(40);
    expect(last.body.completedAt > last.body.startedAt).toBe(true);
  });

  it('merges final fields and counts from details', async () => {
    const job = completedJob('failed', {
      totalItems: 50,
      timeline: [
        { atMs: -4_000, status: 'IN_PROGRESS' },
        { atMs: -2_000, status: 'FAILED' },
      ],
      final: {
        errorMessage: '3 documents failed',
        failedItemsDetails: { invalid_field_value: ['sku-1', 'sku-2'], missing_required_field: ['sku-3'] },
        skippedItemsDetails: { unchanged_document: ['sku-4'] },
      },
    });
    const emulator = await start({ jobs: [job] });
    const { body } = await getJson(jobUrl(emulator, 'failed'));

    expect(body.jobStatus).toBe('FAILED');
    expect(body.failedItems).toBe(3);
    expect(body.errorSummary).toEqual({ invalid_field_value: 2, missing_required_field: 1 });
    expect(body.skippedItems).toBe(1);
    expect(body.skippedSummary).toEqual({ unchanged_document: 1 });
    expect(body.processedItems).toBe(46);
    expect(body.errorMessage).toBe('3 documents failed');
    expect(body.estimatedTimeMinutes).toBeNull();
    expect(Math.abs(Date.parse(body.completedAt) - (emulator.startedAt - 2_000))).toBeLessThanOrEqual(1);
  });

  it('sends every field of the job object', async () => {
    const emulator = await start({ jobs: [completedJob('full', { timeline: [] })] });
    const { body } = await getJson(jobUrl(emulator, 'full'));
    expect(Object.keys(body)).toEqual([
      'jobId',
      'jobType',
      'jobStatus',
      'platformData',
      'totalItems',
      'processedItems',
      'failedItems',
      'skippedItems',
      'conflictItems',
      'errorMessage',
      'failedItemsDetails',
      'errorSummary',
      'skippedItemsDetails',
      'skippedSummary',
      'conflictDetails',
      'conflictSummary',
      'createdAt',
      'startedAt',
      'completedAt',
      'progressPercentage',
      'estimatedTimeMinutes',
    ]);
    expect(body.jobStatus).toBe('PENDING');
    expect(body.jobType).toBe('BULK');
  });

  it('sends scripted status strings verbatim', async () => {
    const jobs = [
      completedJob('legacy', {
        timeline: [
          { atMs: -4_000, status: 'running' },
          { atMs: 56_000, status: 'COMPLETED' },
        ],
      }),
      completedJob('unknown', { timeline: [{ atMs: -4_000, status: 'EXPLODED' }] }),
    ];
    const emulator = await start({ jobs });
    const legacy = await getJson(jobUrl(emulator, 'legacy'));
    expect(legacy.body.jobStatus).toBe('running');
    expect(legacy.body.progressPercentage).toBeGreaterThan(0);
    expect(legacy.body.startedAt).not.toBeNull();

    const unknown = await getJson(jobUrl(emulator, 'unknown'));
    expect(unknown.body.jobStatus).toBe('EXPLODED');
    expect(unknown.body.completedAt).toBeNull();
  });

  it('uses explicit progress and estimate from a phase', async () => {
    const job = completedJob('explicit', {
      timeline: [
        { atMs: -4_000, status: 'IN_PROGRESS', progressPercentage: 12.5, estimatedTimeMinutes: null },
        { atMs: 60_000, status: 'COMPLETED' },
      ],
    });
    const emulator = await start({ jobs: [job] });
    const { body } = await getJson(jobUrl(emulator, 'explicit'));
    expect(body.progressPercentage).toBe(12.5);
    expect(body.estimatedTimeMinutes).toBeNull();
    expect(body.processedItems).toBe(1);
  });

  it('applies a transform to the body', async () => {
    const job = completedJob('odd', {
      transform(body) {
        delete body.errorSummary;
        body.startedAt = null;
        body.createdAt = '2026-03-02T11:15:04.120931+02:00';
        body.jobStatus = 'completed';
      },
    });
    const emulator = await start({ jobs: [job] });
    const { body } = await getJson(jobUrl(emulator, 'odd'));
    expect(body).not.toHaveProperty('errorSummary');
    expect(body.startedAt).toBeNull();
    expect(body.createdAt).toBe('2026-03-02T11:15:04.120931+02:00');
    expect(body.jobStatus).toBe('completed');
  });

  it('returns 500 when a transform throws', async () => {
    const job = completedJob('broken', {
      transform() {
        throw new Error('transform failed on purpose');
      },
    });
    const emulator = await start({ jobs: [job, completedJob('fine')] });
    // The emulator logs the error with its stack; the spy keeps it out of the test output.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const broken = await getJson(jobUrl(emulator, 'broken'));
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/transform failed on purpose/));
    logged.mockRestore();
    expect(broken.status).toBe(500);
    expect(broken.body.message).toMatch(/transform failed on purpose/);
    expect((await getJson(jobUrl(emulator, 'fine'))).status).toBe(200);
  });

  it('dates jobs on the service clock', async () => {
    const emulator = await start({ clockOffsetMs: -5_000, jobs: [completedJob('offset', { createdAtMs: 0 })] });
    const { body } = await getJson(jobUrl(emulator, 'offset'));
    expect(Math.abs(Date.parse(body.createdAt) - (emulator.startedAt - 5_000))).toBeLessThanOrEqual(1);
  });

  it('rejects duplicate job IDs', async () => {
    const emulator = await start({ jobs: [completedJob('twice')] });
    expect(() => emulator.addJobs([completedJob('twice')])).toThrow(/Duplicate job ID/);
  });

  it('adds jobs after the start', async () => {
    const emulator = await start();
    emulator.addJobs([completedJob('added')]);
    expect((await getJson(jobUrl(emulator, 'added'))).status).toBe(200);
  });
});

describe('faults', () => {
  it('sends 429 with Retry-After twice', async () => {
    const emulator = await start({ jobs: [completedJob('job-1')] });
    emulator.addFault({ fault: { kind: 'status', status: 429, headers: { 'Retry-After': '2' } }, times: 2 });

    for (let i = 0; i < 2; i++) {
      const { status, body, response } = await getJson(jobUrl(emulator, 'job-1'));
      expect(status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(body.message).toBe('Too Many Requests');
    }
    expect((await getJson(jobUrl(emulator, 'job-1'))).status).toBe(200);
    expect(emulator.requests.map((request) => request.fault)).toEqual(['status', 'status', undefined]);
    expect(emulator.requests.map((request) => request.status)).toEqual([429, 429, 200]);
  });

  it('applies faults before authentication', async () => {
    const emulator = await start();
    emulator.addFault({ fault: { kind: 'status', status: 503, body: '<html>Service Unavailable</html>' } });
    const response = await fetch(listUrl(emulator));
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toBe('<html>Service Unavailable</html>');
  });

  it('filters rules by endpoint and match', async () => {
    const emulator = await start({ jobs: [completedJob('job-1'), completedJob('job-2')] });
    emulator.addFault({ endpoint: 'list', fault: { kind: 'status', status: 500 } });
    emulator.addFault({
      endpoint: 'job',
      match: (request) => request.path.endsWith('/job-2'),
      fault: { kind: 'status', status: 502 },
    });

    expect((await getJson(listUrl(emulator))).status).toBe(500);
    expect((await getJson(jobUrl(emulator, 'job-1'))).status).toBe(200);
    expect((await getJson(jobUrl(emulator, 'job-2'))).status).toBe(502);
  });

  it('matches on the decoded query', async () => {
    const emulator = await start();
    emulator.addFault({ match: (request) => request.query.limit === '5', fault: { kind: 'status', status: 422 } });
    expect((await getJson(listUrl(emulator, { limit: '5' }))).status).toBe(422);
    expect((await getJson(listUrl(emulator, { limit: '6' }))).status).toBe(200);
  });

  it('removes rules with clearFaults', async () => {
    const emulator = await start();
    emulator.addFault({ fault: { kind: 'status', status: 500 } });
    emulator.clearFaults();
    expect((await getJson(listUrl(emulator))).status).toBe(200);
  });

  it('rejects invalid rules', async () => {
    const emulator = await start();
    expect(() => emulator.addFault({ fault: { kind: 'status', status: 500 }, times: 0 })).toThrow(/times/);
    expect(() => emulator.addFault({ fault: { kind: 'status', status: 500 }, probability: 2 })).toThrow(/probability/);
    expect(() => emulator.addFault({ fault: { kind: 'oversize', bytes: -1 } })).toThrow(/bytes/);
  });

  it('draws probabilities from the seed', async () => {
    const outcomes: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const emulator = await start({ seed: 99 });
      emulator.addFault({ fault: { kind: 'status', status: 503 }, probability: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++) {
        statuses.push((await fetch(listUrl(emulator), { headers: AUTH })).status);
      }
      outcomes.push(statuses);
    }
    const failures = outcomes[0]?.filter((status) => status === 503).length ?? 0;
    expect(failures).toBeGreaterThan(25);
    expect(failures).toBeLessThan(75);
    expect(outcomes[1]).toEqual(outcomes[0]);
  });

  it('resets the connection', async () => {
    const emulator = await start();
    emulator.addFault({ fault: { kind: 'reset' } });
    await expect(fetch(listUrl(emulator), { headers: AUTH })).rejects.toThrow();
    expect(emulator.requests[0]?.fault).toBe('reset');
    expect(emulator.requests[0]?.status).toBe(0);
  });

  it('hangs until close', async () => {
    const emulator = await start();
    emulator.addFault({ fault: { kind: 'hang' } });
    const pending = fetch(listUrl(emulator), { headers: AUTH, signal: AbortSignal.timeout(5_000) });
    await sleep(200);
    expect(emulator.requests).toHaveLength(1);

    const closeStarted = performance.now();
    await emulator.close();
    expect(performance.now() - closeStarted).toBeLessThan(1_000);
    await expect(pending).rejects.toThrow();
  });

  it('hangs until the client times out', async () => {
    const emulator = await start();
    emulator.addFault({ fault: { kind: 'hang' }, times: 1 });
    await expect(fetch(listUrl(emulator), { headers: AUTH, signal: AbortSignal.timeout(200) })).rejects.toThrow(
      /timeout/i,
    );
    expect((await getJson(listUrl(emulator))).status).toBe(200);
  });

  it('sends a fixed invalid body', async () => {
    const emulator = await start();
    emulator.addFault({ fault: { kind: 'body', body: '{"jobs": [' } });
    const response = await fetch(listUrl(emulator), { headers: AUTH });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    await expect(response.json()).rejects.toThrow();
  });

  it('truncates the real body', async () => {
    const emulator = await start({ jobs: [completedJob('job-1')] });
    const full = await rawGet(jobUrl(emulator, 'job-1'));
    emulator.addFault({ fault: { kind: 'truncate' } });
    const cut = await rawGet(jobUrl(emulator, 'job-1'));

    expect(full.ended).toBe('complete');
    expect(cut.status).toBe(200);
    expect(cut.headers['content-length']).toBe(String(full.received));
    expect(cut.received).toBe(Math.floor(full.received / 2));
    expect(cut.ended).toBe('error');
  });

  it('streams an oversized body without buffering it', async () => {
    const emulator = await start();
    const bytes = 2 * 1024 ** 3;
    emulator.addFault({ fault: { kind: 'oversize', bytes } });
    const response = await fetch(listUrl(emulator), { headers: AUTH });
    expect(response.headers.get('content-length')).toBe(String(bytes));

    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value).startsWith('{"jobs":[{"jobId"')).toBe(true);
    await reader.cancel();
    expect(process.memoryUsage().rss).toBeLessThan(bytes);
  });

  it('sends exactly the oversize byte count', async () => {
    const emulator = await start();
    emulator.addFault({ fault: { kind: 'oversize', bytes: 200_000 } });
    const response = await fetch(listUrl(emulator), { headers: AUTH });
    const body = await response.arrayBuffer();
    expect(body.byteLength).toBe(200_000);
  });

  it('mutates the real JSON', async () => {
    const emulator = await start({ jobs: [completedJob('job-1')] });
    emulator.addFault({
      endpoint: 'job',
      fault: {
        kind: 'mutate',
        mutate: (body) => {
          const job = body as Record<string, unknown>;
          delete job.jobStatus;
          job.totalItems = '10';
          return job;
        },
      },
    });
    const { body } = await getJson(jobUrl(emulator, 'job-1'));
    expect(body).not.toHaveProperty('jobStatus');
    expect(body.totalItems).toBe('10');
    expect(body.jobId).toBe('job-1');
  });

  it('delays the real response', async () => {
    const emulator = await start({ jobs: [completedJob('job-1')] });
    emulator.addFault({ fault: { kind: 'delay', ms: 300 } });
    const startedAt = performance.now();
    const { status } = await getJson(jobUrl(emulator, 'job-1'));
    expect(status).toBe(200);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(emulator.requests[0]?.fault).toBe('delay');
  });

  it('redirects', async () => {
    const emulator = await start();
    emulator.addFault({ fault: { kind: 'redirect', status: 307, location: 'http://127.0.0.1:9/elsewhere' } });
    const response = await fetch(listUrl(emulator), { headers: AUTH, redirect: 'manual' });
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:9/elsewhere');
  });
});

describe('scenarios', () => {
  it('builds a 12-job demo deploy', async () => {
    const jobs = demoScenario();
    expect(jobs).toHaveLength(12);
    expect(new Set(jobs.map((job) => job.jobId)).size).toBe(12);
    for (const job of jobs) {
      expect(job.jobId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(job.totalItems).toBeGreaterThanOrEqual(25);
      expect(job.totalItems).toBeLessThanOrEqual(75);
      expect(job.createdAtMs).toBeLessThanOrEqual(20_000);
      expect(job.timeline.at(-1)?.atMs).toBeLessThanOrEqual(30_000);
    }
    expect(demoScenario()).toEqual(jobs);
  });

  it('plays the demo to its outcome', async () => {
    const emulator = await start({ jobs: demoScenario({ timeScale: 0.01 }) });
    await sleep(Math.max(0, emulator.startedAt + 400 - Date.now()));
    const { body } = await getJson(listUrl(emulator, { limit: '100' }));

    expect(body.total).toBe(12);
    expect(body.hasActiveJob).toBe(false);
    expect(body.jobsByStatus).toEqual({
      PENDING: 0,
      IN_PROGRESS: 0,
      COMPLETED: 10,
      FAILED: 1,
      CONFLICT: 1,
      CANCELLED: 0,
    });

    const failed = body.jobs.find((job: Json) => job.jobStatus === 'FAILED');
    expect(failed.failedItems).toBe(5);
    expect(failed.errorSummary).toEqual({ invalid_field_value: 3, missing_required_field: 2 });
    expect(failed.failedItemsDetails.invalid_field_value[0]).toMatch(/^sku-\d+$/);
    expect(failed.processedItems).toBe(failed.totalItems - 5);

    const conflict = body.jobs.find((job: Json) => job.jobStatus === 'CONFLICT');
    const ids = new Set(body.jobs.map((job: Json) => job.jobId));
    expect(conflict.conflictItems).toBe(3);
    expect(conflict.conflictSummary).toEqual({ version_conflict: 3 });
    expect(ids.has(conflict.conflictDetails.version_conflict[0].conflictingJobId)).toBe(true);

    const skipped = body.jobs.filter((job: Json) => job.skippedItems > 0);
    expect(skipped).toHaveLength(1);
    expect(body.docsByStatus.FAILED).toBe(5);
  });

  it('spreads uniform jobs over the window', () => {
    const jobs = uniformJobs(100, {
      seed: 3,
      createdFromMs: -1_000,
      createdToMs: 0,
      finishFromMs: 500,
      finishToMs: 1_500,
      status: 'CANCELLED',
      idPrefix: 'job-',
    });
    expect(jobs[0]?.jobId).toBe('job-00');
    expect(jobs[0]?.createdAtMs).toBe(-1_000);
    expect(jobs[99]?.createdAtMs).toBe(0);
    for (const job of jobs) {
      const finish = job.timeline.at(-1);
      expect(finish?.status).toBe('CANCELLED');
      expect(finish?.atMs).toBeGreaterThanOrEqual(500);
      expect(finish?.atMs).toBeLessThanOrEqual(1_500);
    }
    expect(uniformJobs(100, { seed: 3 })).toEqual(uniformJobs(100, { seed: 3 }));
    expect(uniformJobs(100, { seed: 3 })).not.toEqual(uniformJobs(100, { seed: 4 }));
  });

  it('repeats the seeded generator', () => {
    const a = createRandom(5);
    const b = createRandom(5);
    const values = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(values);
    for (const value of values) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('serves 1,000,000 failed IDs within seconds', async () => {
    const emulator = await start({ jobs: [failedJobWithIds(1_000_000)] });
    const startedAt = performance.now();
    const { status, body } = await getJson(jobUrl(emulator, 'failed-job-1000000'));
    const firstMs = performance.now() - startedAt;

    expect(status).toBe(200);
    expect(body.failedItems).toBe(1_000_000);
    expect(body.failedItemsDetails.invalid_field_value).toHaveLength(1_000_000);
    expect(body.failedItemsDetails.invalid_field_value[999_999]).toBe('sku-999999');
    expect(body.errorSummary).toEqual({ invalid_field_value: 1_000_000 });
    expect(firstMs).toBeLessThan(5_000);

    const list = await getJson(listUrl(emulator));
    expect(list.body.docsByStatus.FAILED).toBe(1_000_000);
  });
});
