/**
 * End-to-end tests of the pull-request comment: the committed dist/index.js runs as the runner
 * starts it, against the Marqo emulator and a fake GitHub REST API, both on 127.0.0.1.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_GITHUB_TOKEN, REPO_ROOT, runAction, type RunActionResult } from './run-action.ts';
import { startEmulator } from '../emulator/server.ts';
import type { Emulator, ScriptedJob } from '../emulator/types.ts';
import { GITHUB_COMMENT_MAX_CHARS, startFakeGitHub, type FakeGitHub } from '../github/fake-github.ts';

const API_KEY = 'marqo-e2e-key-7f3a9c1d5b';
const INDEX_NAME = 'catalog-pr';
const REPOSITORY = 'example/catalog';
const PR_NUMBER = 7;
const COMMENT_MARKER = '<!-- marqo-ecom-jobs-action index=catalog-pr workflow=e2e job=gate -->\n';

// Terminal from the start, so a run needs one poll.
const JOBS: ScriptedJob[] = [
  { jobId: 'job-ok', totalItems: 40, timeline: [{ atMs: -60_000, status: 'COMPLETED' }] },
  {
    jobId: 'job-bad',
    totalItems: 30,
    timeline: [{ atMs: -60_000, status: 'FAILED' }],
    final: {
      errorMessage: '3 of 30 documents failed validation',
      failedItemsDetails: { invalid_field_value: ['sku-1', 'sku-2', 'sku-3'] },
    },
  },
];

let emulator: Emulator;
let github: FakeGitHub;
let scratch: string;
const cleanup: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ apiKey: API_KEY, indexName: INDEX_NAME, jobs: JOBS });
  scratch = await mkdtemp(join(tmpdir(), 'pr-comment-e2e-'));
});

afterEach(async () => {
  await github?.close();
});

afterAll(async () => {
  await emulator?.close();
  await Promise.all([scratch, ...cleanup].map((dir) => rm(dir, { recursive: true, force: true })));
});

interface EventOptions {
  eventName: string;
  payload: unknown;
}

const pullRequestEvent = (number = PR_NUMBER): EventOptions => ({
  eventName: 'pull_request',
  payload: { action: 'synchronize', number, pull_request: { number, head: { ref: 'feature' }, base: { ref: 'main' } } },
});

const issueCommentEvent = (number: number, onPullRequest: boolean): EventOptions => ({
  eventName: 'issue_comment',
  payload: {
    action: 'created',
    issue: onPullRequest
      ? { number, pull_request: { url: `https://api.github.com/repos/${REPOSITORY}/pulls/${number}` } }
      : { number },
    comment: { id: 1, body: '/check-catalog' },
  },
});

let eventCount = 0;

async function writeEvent(event: EventOptions): Promise<string> {
  eventCount += 1;
  const path = join(scratch, `event-${eventCount}.json`);
  await writeFile(path, JSON.stringify(event.payload));
  return path;
}

interface RunOptions {
  event?: EventOptions;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  entry?: string;
  emulatorBaseUrl?: string;
  indexName?: string;
}

async function run(options: RunOptions = {}): Promise<RunActionResult> {
  const event = options.event ?? pullRequestEvent();
  const result = await runAction({
    entry: options.entry,
    inputs: {
      'api-key': API_KEY,
      'index-name': options.indexName ?? INDEX_NAME,
      'job-id': 'job-ok',
      'base-url': options.emulatorBaseUrl ?? emulator.baseUrl,
      'comment-on-pr': 'true',
      timeout: '1m',
      'poll-interval': '1s',
      ...options.inputs,
    },
    env: {
      GITHUB_API_URL: github.apiUrl,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_EVENT_NAME: event.eventName,
      GITHUB_EVENT_PATH: await writeEvent(event),
      ...options.env,
    },
    timeoutMs: 30_000,
  });
  cleanup.push(result.runnerTemp);
  expect(result.timedOut, result.stdout).toBe(false);
  return result;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

/** Decodes entities and drops the zero-width spaces that break mentions: the text GitHub displays. */
function rendered(markdown: string): string {
  return markdown
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&([a-z]+);/g, (entity, name: string) => ENTITIES[name] ?? entity)
    .replace(/\u200b/g, '');
}

const writes = (fake: FakeGitHub) => fake.requests.filter((request) => request.method !== 'GET');

describe('pull-request comment', () => {
  it('creates one comment', async () => {
    github = await startFakeGitHub({ token: FAKE_GITHUB_TOKEN });
    const result = await run({ inputs: { 'job-id': 'job-ok,job-bad' } });

    expect(result.exitCode).toBe(1);
    expect(result.outputs.result).toBe('failed');
    const comments = github.comments(REPOSITORY, PR_NUMBER);
    expect(comments).toHaveLength(1);
    const comment = comments[0]!;
    expect(result.outputs['comment-url']).toBe(comment.html_url);
    expect(comment.html_url).toMatch(/^https:\/\/github\.com\/example\/catalog\/pull\/7#issuecomment-\d+$/);
    expect(comment.body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(comment.body).toContain('### ❌ Marqo jobs failed · <code>catalog-pr</code>');
    expect(comment.body).toContain('- failedItems 3 &gt; max-failed-items 0');
    expect(comment.body).toContain('| 2 | 70 | 67 | 3 | 0 | 0 |');
    expect(comment.body).toContain(
      '| <code>job-bad</code> | FAILED | 3 | <code>sku-1</code> <code>sku-2</code> <code>sku-3</code> |',
    );
    expect(comment.body).not.toContain('<code>job-ok</code>');
    expect(comment.body).toContain(
      '[Full step summary and report](https://github.com/example/catalog/actions/runs/4242)',
    );
    expect(github.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      `GET /repos/${REPOSITORY}/issues/7/comments 200`,
      `POST /repos/${REPOSITORY}/issues/7/comments 201`,
    ]);
    expect(github.requests.every((request) => request.authorization === `token ${FAKE_GITHUB_TOKEN}`)).toBe(true);
    expect(result.stdout).toContain(`Commented on pull request #7: ${comment.html_url}`);
  });

  it('updates its comment on a later run', async () => {
    github = await startFakeGitHub();
    github.addComments(REPOSITORY, PR_NUMBER, ['LGTM', 'Please rerun the deploy.']);
    const first = await run({ inputs: { 'job-id': 'job-ok,job-bad' } });
    github.addComments(REPOSITORY, PR_NUMBER, ['Fixed the feed, rerunning.']);
    const second = await run({ inputs: { 'job-id': 'job-ok' } });

    expect(first.outputs.result).toBe('failed');
    expect(second.exitCode).toBe(0);
    expect(second.outputs.result).toBe('passed');
    const ours = github.comments(REPOSITORY, PR_NUMBER).filter((comment) => comment.body.startsWith(COMMENT_MARKER));
    expect(ours).toHaveLength(1);
    expect(github.comments(REPOSITORY, PR_NUMBER)).toHaveLength(4);
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url']);
    expect(second.outputs['comment-url']).toBe(ours[0]!.html_url);
    expect(ours[0]!.body).toContain('### ✅ Marqo jobs passed');
    expect(ours[0]!.body).not.toContain('job-bad');
    expect(writes(github).map((request) => `${request.method} ${request.path}`)).toEqual([
      `POST /repos/${REPOSITORY}/issues/7/comments`,
      `PATCH /repos/${REPOSITORY}/issues/comments/${ours[0]!.id}`,
    ]);
    expect(second.stdout).toContain(`Updated the comment on pull request #7: ${ours[0]!.html_url}`);
  });

  it('keeps one comment per index and job', async () => {
    github = await startFakeGitHub();
    const other = await startEmulator({ apiKey: API_KEY, indexName: 'catalog-staging', jobs: JOBS });
    try {
      await run();
      await run({ indexName: 'catalog-staging', emulatorBaseUrl: other.baseUrl });
      await run({ env: { GITHUB_JOB: 'gate-eu' } });
      await run();
    } finally {
      await other.close();
    }

    const bodies = github.comments(REPOSITORY, PR_NUMBER).map((comment) => comment.body.split('\n')[0]);
    expect(bodies).toEqual([
      '<!-- marqo-ecom-jobs-action index=catalog-pr workflow=e2e job=gate -->',
      '<!-- marqo-ecom-jobs-action index=catalog-staging workflow=e2e job=gate -->',
      '<!-- marqo-ecom-jobs-action index=catalog-pr workflow=e2e job=gate-eu -->',
    ]);
    expect(writes(github).map((request) => request.method)).toEqual(['POST', 'POST', 'POST', 'PATCH']);
  });

  it('finds its comment on the third page', async () => {
    github = await startFakeGitHub();
    github.addComments(
      REPOSITORY,
      PR_NUMBER,
      Array.from({ length: 220 }, (_, index) => `Review note ${index + 1}`),
    );
    const first = await run();
    github.addComments(
      REPOSITORY,
      PR_NUMBER,
      Array.from({ length: 30 }, (_, index) => `Later note ${index + 1}`),
    );
    const requestsBefore = github.requests.length;
    const second = await run();

    const all = github.comments(REPOSITORY, PR_NUMBER);
    expect(all).toHaveLength(251);
    const ours = all.filter((comment) => comment.body.startsWith(COMMENT_MARKER));
    expect(ours).toHaveLength(1);
    expect(all.indexOf(ours[0]!)).toBe(220);
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url']);

    const secondRun = github.requests.slice(requestsBefore);
    const pages = secondRun.filter((request) => request.method === 'GET').map((request) => request.query.page ?? '1');
    expect(pages).toEqual(['1', '2', '3']);
    expect(
      secondRun.filter((request) => request.method === 'GET').every((request) => request.query.per_page === '100'),
    ).toBe(true);
    expect(
      secondRun.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`),
    ).toEqual([`PATCH /repos/${REPOSITORY}/issues/comments/${ours[0]!.id}`]);
  });

  it.each([
    ['job-ok', 0, 'passed'],
    ['job-ok,job-bad', 1, 'failed'],
  ])('warns on a read-only token (%s)', async (jobIds, exitCode, result) => {
    github = await startFakeGitHub({ readOnly: true });
    const run403 = await run({ inputs: { 'job-id': jobIds } });

    expect(run403.exitCode).toBe(exitCode);
    expect(run403.outputs.result).toBe(result);
    expect(run403.outputs['comment-url']).toBe('');
    const warnings = run403.commands.filter((line) => line.startsWith('::warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('The pull-request comment was not posted');
    expect(warnings[0]).toContain('status 403');
    expect(warnings[0]).toContain('pull-requests: write');
    expect(github.requests.map((request) => `${request.method} ${request.status}`)).toEqual(['GET 200', 'POST 403']);
    expect(github.comments(REPOSITORY, PR_NUMBER)).toHaveLength(0);
    const errors = run403.commands.filter((line) => line.startsWith('::error'));
    expect(errors.some((line) => line.includes('comment'))).toBe(false);
  });

  it.each([
    ['push', { ref: 'refs/heads/main' }],
    ['schedule', { schedule: '0 3 * * *' }],
    ['workflow_dispatch', { inputs: {} }],
  ])('does nothing on a %s event', async (eventName, payload) => {
    github = await startFakeGitHub();
    const result = await run({ event: { eventName, payload } });

    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('passed');
    expect(result.outputs['comment-url']).toBe('');
    expect(github.requests).toEqual([]);
    expect(result.stdout).toContain(`No pull request for event ${eventName}: no comment posted`);
    expect(result.commands.filter((line) => line.startsWith('::warning'))).toEqual([]);
  });

  it('comments on an issue_comment of a pull request', async () => {
    github = await startFakeGitHub();
    const result = await run({ event: issueCommentEvent(12, true) });

    expect(github.comments(REPOSITORY, 12)).toHaveLength(1);
    expect(result.outputs['comment-url']).toBe(github.comments(REPOSITORY, 12)[0]!.html_url);
    expect(github.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /repos/${REPOSITORY}/issues/12/comments`,
      `POST /repos/${REPOSITORY}/issues/12/comments`,
    ]);
  });

  it('ignores an issue_comment of a plain issue', async () => {
    github = await startFakeGitHub();
    const result = await run({ event: issueCommentEvent(13, false) });

    expect(result.exitCode).toBe(0);
    expect(result.outputs['comment-url']).toBe('');
    expect(github.requests).toEqual([]);
    expect(result.stdout).toContain('No pull request for event issue_comment: no comment posted');
  });

  it('comments on pull_request_target', async () => {
    github = await startFakeGitHub();
    const result = await run({
      event: { eventName: 'pull_request_target', payload: { number: 21, pull_request: { number: 21 } } },
    });

    expect(result.outputs['comment-url']).toMatch(/\/pull\/21#issuecomment-\d+$/);
    expect(github.comments(REPOSITORY, 21)).toHaveLength(1);
  });

  it('sends nothing when comment-on-pr is false', async () => {
    github = await startFakeGitHub();
    const result = await run({ inputs: { 'comment-on-pr': 'false' } });

    expect(result.exitCode).toBe(0);
    expect(result.outputs['comment-url']).toBe('');
    expect(github.requests).toEqual([]);
    expect(result.stdout).not.toContain('pull request');
  });

  it('warns when github-token is empty', async () => {
    github = await startFakeGitHub();
    const result = await run({ inputs: { 'github-token': '' } });

    expect(result.exitCode).toBe(0);
    expect(result.outputs['comment-url']).toBe('');
    expect(github.requests).toEqual([]);
    expect(result.commands).toContain('::warning::comment-on-pr is true but github-token is empty: no comment posted');
  });

  it('GitHub client loaded only to comment', async () => {
    // A bundle without its lazily loaded chunks: a run that never imports them still passes.
    const bundle = await mkdtemp(join(tmpdir(), 'pr-comment-bundle-'));
    cleanup.push(bundle);
    await mkdir(bundle, { recursive: true });
    await copyFile(join(REPO_ROOT, 'dist', 'index.js'), join(bundle, 'index.js'));
    await copyFile(join(REPO_ROOT, 'dist', 'package.json'), join(bundle, 'package.json'));
    const dist = await readFile(join(REPO_ROOT, 'dist', 'index.js'), 'utf8');
    expect(dist).not.toContain('getOctokit');
    github = await startFakeGitHub();

    const without = await run({ entry: join(bundle, 'index.js'), inputs: { 'comment-on-pr': 'false' } });
    expect(without.exitCode).toBe(0);
    expect(without.outputs.result).toBe('passed');

    const withComment = await run({ entry: join(bundle, 'index.js') });
    expect(withComment.exitCode).toBe(0);
    expect(withComment.outputs.result).toBe('passed');
    expect(withComment.outputs['comment-url']).toBe('');
    expect(
      withComment.commands.some((line) => line.startsWith('::warning::The pull-request comment was not posted')),
    ).toBe(true);
    expect(github.requests).toEqual([]);
  });

  it('size limit with thousands of jobs', async () => {
    github = await startFakeGitHub();
    const hostile = '|<@`*_'.repeat(20);
    const jobs: ScriptedJob[] = Array.from({ length: 3000 }, (_, index) => ({
      jobId: `bulk-${String(index).padStart(4, '0')}-${'x'.repeat(60)}`,
      createdAtMs: -20 * 60_000 + index * 100,
      totalItems: 12,
      timeline: [{ atMs: -60_000, status: 'FAILED' }],
      final: {
        errorMessage: `12 documents failed ${hostile}`,
        failedItemsDetails: { [`type_${hostile}`]: Array.from({ length: 12 }, (_, k) => `${hostile}${index}-${k}`) },
      },
    }));
    const big = await startEmulator({ apiKey: API_KEY, indexName: INDEX_NAME, jobs });
    let result: RunActionResult;
    try {
      result = await run({
        emulatorBaseUrl: big.baseUrl,
        inputs: { 'job-id': '', 'time-from': '1h', 'fail-on-status': 'FAILED' },
      });
    } finally {
      await big.close();
    }

    expect(result.outputs.result).toBe('failed');
    expect(result.outputs['failed-items']).toBe('36000');
    const comments = github.comments(REPOSITORY, PR_NUMBER);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body.length).toBeLessThan(GITHUB_COMMENT_MAX_CHARS);
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toMatch(/\n… and [\d,]+ more jobs with problems in the step summary\./);
    expect(body).toContain('| Job ID | Status | Failed | First failed IDs |');
    expect(body.split('\n').filter((line) => line.startsWith('| <code>bulk-')).length).toBeGreaterThan(10);
    expect(body).not.toMatch(/@[A-Za-z0-9|]/);
    expect(result.outputs['comment-url']).toBe(comments[0]!.html_url);
  }, 45_000);

  it('keeps secrets out of every output', async () => {
    const token = 'ghp_e2eSecretTokenValue0123456789abcdef';
    github = await startFakeGitHub({ token });
    // The API echoes both secrets in data, so only redaction keeps them out of the comment.
    const leaky = await startEmulator({
      apiKey: API_KEY,
      indexName: INDEX_NAME,
      jobs: [
        {
          jobId: 'job-leaky',
          totalItems: 5,
          timeline: [{ atMs: -60_000, status: 'FAILED' }],
          final: {
            errorMessage: `key ${API_KEY} token ${token}`,
            failedItemsDetails: { [`bad ${token}`]: [`doc-${API_KEY}`, `doc-${token}`] },
          },
        },
      ],
    });
    let result: RunActionResult;
    try {
      result = await run({ emulatorBaseUrl: leaky.baseUrl, inputs: { 'job-id': 'job-leaky', 'github-token': token } });
    } finally {
      await leaky.close();
    }

    expect(result.outputs.result).toBe('failed');
    expect(github.requests.every((request) => request.authorization === `token ${token}`)).toBe(true);
    const body = github.comments(REPOSITORY, PR_NUMBER)[0]?.body ?? '';
    expect(body).toContain('<code>doc-&#42;&#42;&#42;</code>');
    const report = await readFile(result.outputs['report-path']!, 'utf8');
    const masks = result.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'));
    expect(result.stdout.split('\n').slice(0, 2).sort()).toEqual(
      [`::add-mask::${API_KEY}`, `::add-mask::${token}`].sort(),
    );
    const log = result.stdout
      .split('\n')
      .filter((line) => !masks.includes(line))
      .join('\n');
    const texts = {
      log,
      stderr: result.stderr,
      outputs: JSON.stringify(result.outputs),
      report,
      // Markdown is checked as GitHub renders it: `ghp_x` escaped as `ghp&#95;x` still shows the token.
      summary: rendered(result.summary),
      comment: rendered(body),
    };
    for (const [name, text] of Object.entries(texts)) {
      expect(text, name).not.toContain(token);
      expect(text, name).not.toContain(API_KEY);
      expect(text, name).not.toContain(token.slice(0, 12));
    }
  });

  it('cancel during the comment ends promptly', async () => {
    github = await startFakeGitHub({ hang: true });
    const spawnedAt = Date.now();
    const result = await runAction({
      inputs: {
        'api-key': API_KEY,
        'index-name': INDEX_NAME,
        'job-id': 'job-ok',
        'base-url': emulator.baseUrl,
        'comment-on-pr': 'true',
      },
      env: {
        GITHUB_API_URL: github.apiUrl,
        GITHUB_REPOSITORY: REPOSITORY,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: await writeEvent(pullRequestEvent()),
      },
      cancelAfterMs: 3000,
      timeoutMs: 20_000,
    });
    cleanup.push(result.runnerTemp);

    const listed = github.requests.find((request) => request.method === 'GET');
    expect(listed, 'the comment request started before SIGINT').toBeDefined();
    expect(listed!.receivedAt - spawnedAt).toBeLessThan(3000);
    expect(result.timedOut).toBe(false);
    // The action promises an exit within 5 s of SIGINT; 1 s more absorbs a loaded machine.
    expect(result.durationMs).toBeLessThan(3000 + 6000);
    expect(result.exitCode).not.toBe(0);
    expect(result.outputs.result).toBe('cancelled');
    expect(result.outputs['comment-url']).toBe('');
    expect(github.comments(REPOSITORY, PR_NUMBER)).toHaveLength(0);
  });
});
