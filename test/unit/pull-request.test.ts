import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestOf, upsertPullRequestComment } from '../../src/github/pull-request.ts';
import type { Logger } from '../../src/logger.ts';
import { startFakeGitHub, type FakeGitHub } from '../github/fake-github.ts';

const REPOSITORY = 'example/catalog';
const TOKEN = 'ghs_unitTestToken000000000000000000000';
const MARKER = '<!-- marqo-ecom-jobs-action index=catalog workflow=ci job=gate -->';

interface RecordingLogger extends Logger {
  lines: string[];
}

function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info: ${message}`),
    warning: (message) => lines.push(`warning: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
    debug: () => undefined,
    group: (_name, work) => work(),
  };
}

describe('pullRequestOf', () => {
  it.each([
    ['pull_request', { pull_request: { number: 3 } }, 3],
    ['pull_request_target', { pull_request: { number: 4 } }, 4],
    [
      'issue_comment',
      { issue: { number: 5, pull_request: { url: 'https://api.github.com/repos/example/catalog/pulls/5' } } },
      5,
    ],
    ['issue_comment', { issue: { number: 6 } }, null],
    ['issue_comment', { issue: { number: 6, pull_request: null } }, null],
    ['push', { pull_request: { number: 7 } }, null],
    ['schedule', {}, null],
    ['pull_request', {}, null],
    [undefined, { pull_request: { number: 8 } }, null],
  ])('reads %s %j', (eventName, payload, number) => {
    const target = pullRequestOf(eventName, payload, REPOSITORY);

    expect(target?.number ?? null).toBe(number);
    if (target) expect(target).toEqual({ owner: 'example', repo: 'catalog', number });
  });

  it('needs the repository', () => {
    expect(pullRequestOf('pull_request', { pull_request: { number: 3 } }, undefined)).toBeNull();
    expect(pullRequestOf('pull_request', { pull_request: { number: 3 } }, 'example')).toBeNull();
  });
});

describe('upsertPullRequestComment', () => {
  const saved: Record<string, string | undefined> = {};
  const variables = ['GITHUB_API_URL', 'GITHUB_EVENT_NAME', 'GITHUB_EVENT_PATH', 'GITHUB_REPOSITORY'];
  let github: FakeGitHub;
  let scratch: string;

  beforeAll(async () => {
    github = await startFakeGitHub({ token: TOKEN });
    scratch = await mkdtemp(join(tmpdir(), 'pull-request-unit-'));
    const eventPath = join(scratch, 'event.json');
    await writeFile(eventPath, JSON.stringify({ number: 5, pull_request: { number: 5 } }));
    for (const name of variables) saved[name] = process.env[name];
    // @actions/github reads these once, when it is first imported.
    Object.assign(process.env, {
      GITHUB_API_URL: github.apiUrl,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: REPOSITORY,
    });
    const { defaults } = await import('@actions/github/lib/utils');
    if (defaults.baseUrl !== github.apiUrl)
      throw new Error(`@actions/github was loaded earlier with API URL ${defaults.baseUrl}; refusing to send requests`);
  });

  afterEach(() => {
    github.setReadOnly(false);
    github.setHang(false);
  });

  afterAll(async () => {
    for (const name of variables) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await github.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('creates and then updates one comment', async () => {
    const log = recordingLogger();
    const created = await upsertPullRequestComment({ token: TOKEN, marker: MARKER, body: `${MARKER}\nfirst`, log });
    github.addComments(REPOSITORY, 5, ['unrelated']);
    const updated = await upsertPullRequestComment({ token: TOKEN, marker: MARKER, body: `${MARKER}\nsecond`, log });

    expect(created).toMatch(/\/pull\/5#issuecomment-\d+$/);
    expect(updated).toBe(created);
    const comments = github.comments(REPOSITORY, 5);
    expect(comments.map((comment) => comment.body)).toEqual([`${MARKER}\nsecond`, 'unrelated']);
    expect(log.lines).toEqual([
      `info: Commented on pull request #5: ${created}`,
      `info: Updated the comment on pull request #5: ${created}`,
    ]);
  });

  it('names the status and message of a 403', async () => {
    github.setReadOnly(true);
    const log = recordingLogger();
    const url = await upsertPullRequestComment({
      token: TOKEN,
      marker: '<!-- other -->',
      body: '<!-- other -->\nx',
      log,
    });

    expect(url).toBeNull();
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(
      /^warning: The pull-request comment was not posted: the token may not write comments here \(status 403: Resource not accessible by integration/,
    );
  });

  it('warns on bad credentials', async () => {
    const log = recordingLogger();
    const url = await upsertPullRequestComment({ token: 'ghs_wrong', marker: MARKER, body: `${MARKER}\nx`, log });

    expect(url).toBeNull();
    expect(log.lines).toEqual(['warning: The pull-request comment was not posted: Bad credentials']);
  });

  it('gives up on a silent API', async () => {
    github.setHang(true);
    const log = recordingLogger();
    const started = performance.now();
    const url = await upsertPullRequestComment({
      token: TOKEN,
      marker: MARKER,
      body: `${MARKER}\nx`,
      log,
      requestTimeoutMs: 300,
    });

    expect(url).toBeNull();
    expect(performance.now() - started).toBeLessThan(5000);
    expect(log.lines).toEqual([
      'warning: The pull-request comment was not posted: the GitHub API did not respond within 0.3 s.',
    ]);
  });
});
