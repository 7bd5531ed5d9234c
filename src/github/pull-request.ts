import type { Logger } from '../logger.ts';

/** Maximum wait for one GitHub API response, so that a comment cannot hold up the step for long. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface PullRequestCommentOptions {
  token: string;
  /** Finds the comment of an earlier run; it must be part of `body`. */
  marker: string;
  body: string;
  log: Logger;
  /** Abandons a GitHub API request after this many milliseconds. Default 30 s. */
  requestTimeoutMs?: number;
}

interface PullRequestTarget {
  owner: string;
  repo: string;
  number: number;
}

interface EventPayload {
  pull_request?: { number?: number };
  issue?: { number?: number; pull_request?: unknown };
}

/** Returns the pull request the event belongs to, or null for events without one. */
export function pullRequestOf(
  eventName: string | undefined,
  payload: EventPayload,
  repository: string | undefined,
): PullRequestTarget | null {
  const [owner, repo] = (repository ?? '').split('/');
  if (!owner || !repo) return null;
  let number: number | undefined;
  if (eventName === 'pull_request' || eventName === 'pull_request_target') number = payload.pull_request?.number;
  else if (eventName === 'issue_comment' && payload.issue?.pull_request) number = payload.issue.number;
  return typeof number === 'number' ? { owner, repo, number } : null;
}

function statusOf(error: unknown): number | null {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : null;
}

/**
 * Creates the pull-request comment, or updates the one an earlier run left (found by its
 * marker on any page of comments). Returns the comment's URL, or null when there is no pull
 * request or the token may not write. It never throws: the comment must not change the verdict.
 */
export async function upsertPullRequestComment(options: PullRequestCommentOptions): Promise<string | null> {
  const { log } = options;
  const timeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  let lastSignal = null as AbortSignal | null;
  try {
    // Loaded here so that runs without a pull-request comment never pay for Octokit.
    const github = await import('@actions/github');
    const context = github.context;
    const target = pullRequestOf(context.eventName, context.payload, process.env.GITHUB_REPOSITORY);
    if (target === null) {
      log.info(`No pull request for event ${context.eventName ?? '(none)'}: no comment posted`);
      return null;
    }
    if (options.token.trim() === '') {
      log.warning('comment-on-pr is true but github-token is empty: no comment posted');
      return null;
    }

    const octokit = github.getOctokit(options.token);
    // Set in a hook because paginate drops the request options of a call; each page gets its own deadline.
    octokit.hook.before('request', (request) => {
      lastSignal = AbortSignal.timeout(timeoutMs);
      request.request = { ...request.request, signal: lastSignal };
    });
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: target.owner,
      repo: target.repo,
      issue_number: target.number,
      per_page: 100,
    });
    const existing = comments.find((comment) => comment.body?.includes(options.marker));
    if (existing) {
      const updated = await octokit.rest.issues.updateComment({
        owner: target.owner,
        repo: target.repo,
        comment_id: existing.id,
        body: options.body,
      });
      log.info(`Updated the comment on pull request #${target.number}: ${updated.data.html_url}`);
      return updated.data.html_url;
    }
    const created = await octokit.rest.issues.createComment({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.number,
      body: options.body,
    });
    log.info(`Commented on pull request #${target.number}: ${created.data.html_url}`);
    return created.data.html_url;
  } catch (error) {
    const status = statusOf(error);
    if (lastSignal?.aborted) {
      log.warning(
        `The pull-request comment was not posted: the GitHub API did not respond within ${timeoutMs / 1000} s.`,
      );
    } else if (status === 403 || status === 404) {
      // GitHub's message distinguishes a missing permission from a secondary rate limit, which is also a 403.
      const message = error instanceof Error ? `: ${error.message}` : '';
      log.warning(
        `The pull-request comment was not posted: the token may not write comments here (status ${status}${message}), as with pull requests from forks. Give the job "permissions: pull-requests: write", or set comment-on-pr to false.`,
      );
    } else {
      log.warning(`The pull-request comment was not posted: ${error instanceof Error ? error.message : String(error)}`);
    }
    return null;
  }
}
