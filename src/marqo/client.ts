import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import { parseJob, parseJobList, ResponseFormatError, type Job, type JobList, type JobStatus } from './job.ts';

/** Largest response body read; a job listing a million 40-character document IDs is about 45 MB. */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;
/** Attempts of one call before it gives up, when each fails in a way worth retrying. */
export const MAX_ATTEMPTS = 8;
/** Responses that are not the documented JSON, accepted as transient before the call gives up. */
export const MAX_INVALID_RESPONSES = 3;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 30_000;
const MAX_REDIRECTS = 3;
/** Time kept for the last attempt when a backoff pause is shortened to fit before the deadline. */
const LAST_ATTEMPT_MS = 1000;

export type ApiErrorKind =
  | 'unauthorized'
  | 'bad-request'
  | 'not-found'
  | 'invalid-response'
  | 'too-large'
  | 'redirect'
  | 'retries-exhausted'
  | 'deadline'
  | 'cancelled';

/** A call to the jobs API that did not return data. Its message never contains the API key. */
export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | null;
  constructor(kind: ApiErrorKind, message: string, status: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
  }
}

export interface ListQuery {
  timeFrom?: string | null;
  timeTo?: string | null;
  status?: JobStatus | null;
  limit: number;
}

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  indexName: string;
  /** Epoch milliseconds after which no attempt starts and no retry waits. */
  deadline: number;
  /** Aborts every call in flight and every pause, when the run is cancelled. */
  signal: AbortSignal;
  /** Maximum wait for the response headers, or between two chunks of a body, per attempt. */
  attemptTimeoutMs: number;
  /** Receives one line per retry. */
  onRetry?: (message: string) => void;
  /**
   * Dispatcher used in place of the client's own Agent, such as undici's MockAgent in tests.
   * close() calls its destroy(), which MockAgent does not implement, so close a MockAgent itself.
   */
  dispatcher?: Dispatcher;
  random?: () => number;
  now?: () => number;
}

interface Attempt {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A failure of one attempt that a later attempt may not repeat. */
class TransientError extends Error {
  readonly retryAfterMs: number | null;
  readonly invalidResponse: ResponseFormatError | null;
  constructor(message: string, retryAfterMs: number | null = null, invalidResponse: ResponseFormatError | null = null) {
    super(message);
    this.retryAfterMs = retryAfterMs;
    this.invalidResponse = invalidResponse;
  }
}

const TRANSIENT_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** Parses a Retry-After header, in seconds or as an HTTP date, to milliseconds from `nowMs`. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text || text.startsWith('-')) return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

/** Full-jitter exponential backoff: a random pause between 0 and min(cap, base * 2^(attempt - 1)). */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(ceiling * random());
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED') return code;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return undefined;
}

/** Describes an error body in a few safe words: its `message` or `detail`, or what it looks like. */
export function describeErrorBody(body: Buffer): string {
  const text = body.subarray(0, 4096).toString('utf8').trim();
  if (text === '') return 'an empty body';
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const record = parsed as Record<string, unknown>;
      for (const key of ['message', 'detail', 'error']) {
        const value = record[key];
        if (typeof value === 'string' && value.trim() !== '') return oneLine(value);
      }
    }
  } catch {
    // Not JSON: described below.
  }
  if (/^<(!doctype|html)/i.test(text)) return 'an HTML page';
  return oneLine(text);
}

/**
 * Percent-encodes one path segment. Throws for `.` and `..`: a URL parser resolves them, and
 * their encoded forms, as steps up the path, so the request would reach another resource.
 */
export function encodePathSegment(segment: string): string {
  if (segment === '.' || segment === '..') {
    throw new ApiError('bad-request', `${JSON.stringify(segment)} cannot be sent as a path segment of the API`);
  }
  return encodeURIComponent(segment);
}

function oneLine(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** Stops reading a body; the stream's abort error has a listener, so it cannot crash the process. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new ApiError('cancelled', 'cancelled'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ApiError('cancelled', 'cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A client of the Marqo Ecommerce jobs API. It retries rate limits, server errors, network
 * failures and malformed bodies with full-jitter backoff inside one deadline. It follows redirects
 * only within the base URL's origin, so the API key is sent nowhere else.
 */
export class MarqoJobsClient {
  readonly requestCount = { value: 0 };
  private readonly options: ClientOptions;
  private readonly dispatcher: Dispatcher;
  private readonly origin: string;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(options: ClientOptions) {
    this.options = options;
    this.origin = new URL(options.baseUrl).origin;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.dispatcher =
      options.dispatcher ?? new Agent({ connections: 4, keepAliveTimeout: 10_000, connect: { timeout: 10_000 } });
  }

  /** Fetches one job. Throws ApiError, of kind 'not-found' when the API returns 404. */
  async getJob(jobId: string): Promise<Job> {
    const path = `/indexes/${encodePathSegment(this.options.indexName)}/jobs/${encodePathSegment(jobId)}`;
    return this.call(path, (body) => {
      const job = parseJob(body);
      if (job.jobId !== jobId) throw new ResponseFormatError('jobId', JSON.stringify(jobId), job.jobId);
      return job;
    });
  }

  /** Lists the jobs of a window, newest first. Throws ApiError; kind 'not-found' when the index is unknown. */
  async listJobs(query: ListQuery): Promise<JobList> {
    const parameters = new URLSearchParams();
    if (query.status) parameters.set('status', query.status);
    if (query.timeFrom) parameters.set('timeFrom', query.timeFrom);
    if (query.timeTo) parameters.set('timeTo', query.timeTo);
    parameters.set('limit', String(query.limit));
    // URLSearchParams writes `+` as %2B and `:` as %3A, as the API needs for timestamps.
    const path = `/indexes/${encodePathSegment(this.options.indexName)}/jobs?${parameters.toString()}`;
    return this.call(path, parseJobList);
  }

  /** Ends open connections; calls in flight fail. */
  async close(): Promise<void> {
    await this.dispatcher.destroy().catch(() => undefined);
  }

  private async call<T>(path: string, parse: (body: unknown) => T): Promise<T> {
    const shownPath = path.split('?')[0] ?? path;
    let invalidResponses = 0;
    let lastProblem = '';

    for (let attempt = 1; ; attempt += 1) {
      if (this.options.signal.aborted) throw new ApiError('cancelled', 'cancelled');
      const remaining = this.options.deadline - this.now();
      if (remaining <= 0) {
        throw new ApiError(
          'deadline',
          lastProblem
            ? `timeout reached; the last attempt failed: ${lastProblem}`
            : 'timeout reached before the request',
        );
      }

      let problem: TransientError;
      try {
        const response = await this.send(path, Math.min(this.options.attemptTimeoutMs, remaining));
        return this.accept(response, parse);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        if (!(error instanceof TransientError)) throw error;
        problem = error;
      }

      lastProblem = problem.message;
      if (problem.invalidResponse) {
        invalidResponses += 1;
        if (invalidResponses >= MAX_INVALID_RESPONSES) {
          throw new ApiError(
            'invalid-response',
            `the API sent ${invalidResponses} responses in a row that are not the documented JSON; the last one: ${problem.message}`,
          );
        }
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new ApiError(
          'retries-exhausted',
          `gave up after ${attempt} attempts; the last one failed: ${problem.message}`,
        );
      }

      let pause = problem.retryAfterMs ?? backoffMs(attempt, this.random);
      const left = this.options.deadline - this.now();
      if (pause >= left) {
        // A backoff pause is shortened so that one last attempt starts before the deadline, which
        // keeps a call from giving up long before the timeout. A Retry-After is never shortened.
        if (problem.retryAfterMs === null && left > LAST_ATTEMPT_MS) {
          pause = left - LAST_ATTEMPT_MS;
        } else {
          const why =
            problem.retryAfterMs === null ? 'the next retry' : `the Retry-After of ${Math.ceil(pause / 1000)} s`;
          throw new ApiError('deadline', `${problem.message}; ${why} would pass the timeout`);
        }
      }
      this.options.onRetry?.(
        `Retrying GET ${shownPath} in ${(pause / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${MAX_ATTEMPTS}): ${problem.message}`,
      );
      await sleep(pause, this.options.signal);
    }
  }

  private accept<T>(response: Attempt, parse: (body: unknown) => T): T {
    const { status } = response;
    if (status >= 200 && status < 300) {
      let body: unknown;
      try {
        body = JSON.parse(response.body.toString('utf8'));
      } catch {
        const what = this.redact(describeErrorBody(response.body));
        const failure = new ResponseFormatError('body', 'JSON', what);
        throw new TransientError(
          `status ${status} with a body that is not JSON (${what === 'an HTML page' ? what : `${response.body.length} bytes`})`,
          null,
          failure,
        );
      }
      try {
        return parse(body);
      } catch (error) {
        if (error instanceof ResponseFormatError) {
          throw new TransientError(`status ${status} with an unexpected body: ${error.message}`, null, error);
        }
        throw error;
      }
    }

    const detail = this.redact(describeErrorBody(response.body));
    if (TRANSIENT_STATUSES.has(status) || status >= 500) {
      const retryAfter =
        status === 429 || status === 503 ? parseRetryAfter(response.headers['retry-after'], this.now()) : null;
      throw new TransientError(`status ${status} (${detail})`, retryAfter);
    }
    if (status === 401 || status === 403) {
      throw new ApiError(
        'unauthorized',
        `status ${status} (${detail}). Check that api-key is a valid Marqo API key with access to index ${JSON.stringify(this.options.indexName)}.`,
        status,
      );
    }
    if (status === 404) throw new ApiError('not-found', `status 404 (${detail})`, status);
    if (status === 413 || status === 414) throw new ApiError('bad-request', `status ${status} (${detail})`, status);
    throw new ApiError(
      'bad-request',
      `status ${status} (${detail}); the request was rejected, so it is not retried`,
      status,
    );
  }

  private async send(path: string, timeoutMs: number): Promise<Attempt> {
    let url = new URL(`${this.options.baseUrl}${path}`);
    for (let redirects = 0; ; redirects += 1) {
      const response = await this.sendOnce(url, timeoutMs);
      if (response.status < 300 || response.status >= 400 || response.status === 304) return response;

      const location = response.headers.location;
      const target = typeof location === 'string' ? new URL(location, url) : null;
      if (target === null)
        throw new ApiError('redirect', `status ${response.status} without a Location header`, response.status);
      if (target.origin !== this.origin) {
        throw new ApiError(
          'redirect',
          `status ${response.status} redirects to another origin (${target.origin}). It was not followed, so the API key is not sent there. Set base-url to the API's own address.`,
          response.status,
        );
      }
      if (redirects >= MAX_REDIRECTS)
        throw new ApiError('redirect', `more than ${MAX_REDIRECTS} redirects`, response.status);
      url = target;
    }
  }

  private async sendOnce(url: URL, timeoutMs: number): Promise<Attempt> {
    this.requestCount.value += 1;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([this.options.signal, timeout]);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'GET',
        dispatcher: this.dispatcher,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          accept: 'application/json',
          'user-agent': 'marqo-ecom-jobs-action',
        },
      });
    } catch (error) {
      throw this.classify(error, timeout, timeoutMs);
    }

    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      discard(response.body);
      throw new ApiError(
        'too-large',
        `the response body of ${declared} bytes is over the limit of ${MAX_BODY_BYTES} bytes (256 MiB)`,
        response.statusCode,
      );
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        const buffer = chunk as Buffer;
        size += buffer.length;
        if (size > MAX_BODY_BYTES) {
          discard(response.body);
          throw new ApiError(
            'too-large',
            `the response body is over the limit of ${MAX_BODY_BYTES} bytes (256 MiB)`,
            response.statusCode,
          );
        }
        chunks.push(buffer);
      }
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const failure = this.classify(error, timeout, timeoutMs);
      // A 2xx body that ends before its Content-Length is a response that is not the documented
      // JSON, so it counts toward MAX_INVALID_RESPONSES like the other malformed bodies.
      const code = errorCode(error);
      const timedOut = timeout.aborted || code === 'UND_ERR_BODY_TIMEOUT';
      if (failure instanceof TransientError && !timedOut && response.statusCode >= 200 && response.statusCode < 300) {
        const expected = Number.isFinite(declared) ? `${declared} bytes` : 'a complete body';
        const of = Number.isFinite(declared) ? ` of ${declared}` : '';
        throw new TransientError(
          `status ${response.statusCode} with a truncated body (${size} bytes${of}, then the connection closed)`,
          null,
          new ResponseFormatError('body', expected, `${size} bytes`),
        );
      }
      throw failure;
    }
    return { status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks, size) };
  }

  /** Removes the API key from text the service sent, in case an error body echoes it. */
  private redact(text: string): string {
    return text.split(this.options.apiKey).join('***');
  }

  private classify(error: unknown, timeout: AbortSignal, timeoutMs: number): Error {
    if (this.options.signal.aborted) return new ApiError('cancelled', 'cancelled');
    const code = errorCode(error);
    if (timeout.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new TransientError(`no response within ${(timeoutMs / 1000).toFixed(1)} s`);
    }
    if (code !== undefined && TRANSIENT_CODES.has(code)) return new TransientError(`network error ${code}`);
    if (error instanceof undiciErrors.UndiciError) return new TransientError(`network error ${code ?? error.name}`);
    const message = error instanceof Error ? error.message : String(error);
    return new TransientError(`network error: ${oneLine(message)}`);
  }
}
