/**
 * A fake of the three GitHub REST endpoints that the pull-request comment uses, on 127.0.0.1:
 *
 *   GET   /repos/{owner}/{repo}/issues/{number}/comments   (per_page, page, Link header)
 *   POST  /repos/{owner}/{repo}/issues/{number}/comments   (201)
 *   PATCH /repos/{owner}/{repo}/issues/comments/{id}
 *
 * Responses follow the GitHub REST API. Lists come in pages of at most 100 comments (30 by
 * default), oldest first, with `Link` headers naming the next and last pages. Writes get 403
 * "Resource not accessible by integration" when the token is read-only, and 422 for a body over
 * 65,536 characters.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** GitHub rejects a comment body longer than this, counted in characters. */
export const GITHUB_COMMENT_MAX_CHARS = 65_536;
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;
const MAX_REQUEST_BYTES = 1024 * 1024;

export interface FakeComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: { login: string; id: number; type: string };
  created_at: string;
  updated_at: string;
  author_association: string;
}

export interface GitHubRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  /** The Authorization header as sent, or null. */
  authorization: string | null;
  /** Parsed JSON body of a write, or null. */
  body: unknown;
  /** Status code sent, or 0 while no response has been sent. */
  status: number;
  /** `Date.now()` when the request arrived. */
  receivedAt: number;
}

export interface FakeGitHubOptions {
  /** When set, requests need `Authorization: token <token>` or `Bearer <token>`; others get 401. */
  token?: string;
  /** Writes get 403, as for a token without `pull-requests: write`, such as on a fork's pull request. */
  readOnly?: boolean;
  /** Origin of the `html_url` of comments. Default `https://github.com`. */
  serverUrl?: string;
  /** Reads every request and never responds, until `close()`. */
  hang?: boolean;
}

export interface FakeGitHub {
  /** e.g. `http://127.0.0.1:PORT`, the value of GITHUB_API_URL. */
  apiUrl: string;
  requests: GitHubRequest[];
  /** Comments of an issue or pull request, oldest first. */
  comments(repository: string, number: number): FakeComment[];
  /** Adds comments as another user would, and returns them. */
  addComments(repository: string, number: number, bodies: string[], login?: string): FakeComment[];
  setReadOnly(readOnly: boolean): void;
  /** Starts or stops leaving requests unanswered; a request left hanging stays so until `close()`. */
  setHang(hang: boolean): void;
  close(): Promise<void>;
}

interface Thread {
  repository: string;
  number: number;
  comments: FakeComment[];
}

class HttpError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  constructor(status: number, body: Record<string, unknown>) {
    super(String(body.message));
    this.status = status;
    this.body = body;
  }
}

const notFound = (): HttpError =>
  new HttpError(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const serverUrl = options.serverUrl ?? 'https://github.com';
  let readOnly = options.readOnly ?? false;
  let hang = options.hang ?? false;
  const threads = new Map<string, Thread>();
  const requests: GitHubRequest[] = [];
  let nextId = 1_000_001;
  let clock = Date.UTC(2026, 2, 2, 9, 0, 0);
  let apiUrl = '';

  const threadOf = (repository: string, number: number): Thread => {
    const key = `${repository.toLowerCase()}#${number}`;
    let thread = threads.get(key);
    if (!thread) {
      thread = { repository, number, comments: [] };
      threads.set(key, thread);
    }
    return thread;
  };

  const newComment = (thread: Thread, body: string, login: string): FakeComment => {
    const id = nextId++;
    // Each comment gets its own second, so timestamps keep the creation order.
    clock += 1000;
    const at = new Date(clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      id,
      node_id: `IC_kwDO${id.toString(36)}`,
      url: `${apiUrl}/repos/${thread.repository}/issues/comments/${id}`,
      html_url: `${serverUrl}/${thread.repository}/pull/${thread.number}#issuecomment-${id}`,
      issue_url: `${apiUrl}/repos/${thread.repository}/issues/${thread.number}`,
      body,
      user: {
        login,
        id: login === 'github-actions[bot]' ? 41898282 : 1000 + login.length,
        type: login.endsWith('[bot]') ? 'Bot' : 'User',
      },
      created_at: at,
      updated_at: at,
      author_association: 'NONE',
    };
  };

  const findComment = (repository: string, id: number): FakeComment | undefined => {
    for (const thread of threads.values()) {
      if (thread.repository.toLowerCase() !== repository.toLowerCase()) continue;
      const comment = thread.comments.find((candidate) => candidate.id === id);
      if (comment) return comment;
    }
    return undefined;
  };

  const checkAuthorization = (authorization: string | null): void => {
    if (authorization === null) throw new HttpError(401, { message: 'Requires authentication', status: '401' });
    if (options.token === undefined) return;
    const match = /^(?:token|bearer)\s+(.+)$/i.exec(authorization);
    if (match?.[1] !== options.token) throw new HttpError(401, { message: 'Bad credentials', status: '401' });
  };

  const checkWrite = (body: unknown): string => {
    if (readOnly) {
      throw new HttpError(403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/issues/comments',
        status: '403',
      });
    }
    const text = (body as { body?: unknown } | null)?.body;
    if (typeof text !== 'string')
      throw new HttpError(422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.', status: '422' });
    if ([...text].length > GITHUB_COMMENT_MAX_CHARS) {
      throw new HttpError(422, {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: `body is too long (maximum is ${GITHUB_COMMENT_MAX_CHARS} characters)`,
          },
        ],
        status: '422',
      });
    }
    return text;
  };

  const listPage = (
    thread: Thread,
    query: Record<string, string>,
    path: string,
  ): { body: FakeComment[]; link: string | null } => {
    const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Number.parseInt(query.per_page ?? '', 10) || DEFAULT_PER_PAGE));
    const page = Math.max(1, Number.parseInt(query.page ?? '', 10) || 1);
    const lastPage = Math.max(1, Math.ceil(thread.comments.length / perPage));
    const body = thread.comments.slice((page - 1) * perPage, page * perPage);
    // GitHub sends absolute URLs that keep the other query parameters, and no Link header when one page contains everything.
    const pageUrl = (n: number): string => {
      const params = new URLSearchParams({ ...query, per_page: String(perPage), page: String(n) });
      return `<${apiUrl}${path}?${params.toString()}>`;
    };
    const links: string[] = [];
    if (page > 1) links.push(`${pageUrl(page - 1)}; rel="prev"`);
    if (page < lastPage) links.push(`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(lastPage)}; rel="last"`);
    if (page > 1) links.push(`${pageUrl(1)}; rel="first"`);
    return { body, link: links.length > 0 ? links.join(', ') : null };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse, record: GitHubRequest): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = (request.method ?? 'GET').toUpperCase();
    const raw = await readBody(request);
    let body: unknown = null;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        throw new HttpError(400, { message: 'Problems parsing JSON', status: '400' });
      }
    }
    record.body = body;
    checkAuthorization(record.authorization);

    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    if (list) {
      const [, owner = '', repo = '', number = ''] = list;
      const thread = threadOf(`${decodeURIComponent(owner)}/${decodeURIComponent(repo)}`, Number(number));
      if (method === 'GET') {
        const { body: page, link } = listPage(thread, record.query, url.pathname);
        send(response, 200, page, link === null ? {} : { link });
        return;
      }
      if (method === 'POST') {
        const comment = newComment(thread, checkWrite(body), 'github-actions[bot]');
        thread.comments.push(comment);
        send(response, 201, comment, { location: comment.url });
        return;
      }
      throw notFound();
    }

    const single = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (single && method === 'PATCH') {
      const [, owner = '', repo = '', id = ''] = single;
      const comment = findComment(`${decodeURIComponent(owner)}/${decodeURIComponent(repo)}`, Number(id));
      const text = checkWrite(body);
      if (!comment) throw notFound();
      clock += 1000;
      comment.body = text;
      comment.updated_at = new Date(clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
      send(response, 200, comment);
      return;
    }
    throw notFound();
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const record: GitHubRequest = {
      method: (request.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization ?? null,
      body: null,
      status: 0,
      receivedAt: Date.now(),
    };
    requests.push(record);
    if (hang) {
      request.resume();
      return;
    }
    response.on('finish', () => {
      record.status = response.statusCode;
    });
    handle(request, response, record).catch((error: unknown) => {
      if (error instanceof HttpError) send(response, error.status, error.body);
      else send(response, 500, { message: error instanceof Error ? error.message : String(error) });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl,
    requests,
    comments: (repository, number) => [...threadOf(repository, number).comments],
    addComments: (repository, number, bodies, login = 'octocat') => {
      const thread = threadOf(repository, number);
      const added = bodies.map((body) => newComment(thread, body, login));
      thread.comments.push(...added);
      return added;
    },
    setReadOnly: (value) => {
      readOnly = value;
    },
    setHang: (value) => {
      hang = value;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) throw new HttpError(413, { message: 'Request body too large', status: '413' });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-github-media-type': 'github.v3; format=json',
    ...headers,
  });
  response.end(text);
}
