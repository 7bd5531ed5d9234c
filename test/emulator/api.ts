/**
 * The jobs API itself, without faults: routing, Bearer authentication, the job endpoint and the
 * list endpoint with its query validation.
 */
import { JOB_STATUSES, isTerminalStatus, normalizeStatus, renderJob, scriptedStatusAt } from './jobs.ts';
import type { JobStore, RenderedJob } from './jobs.ts';
import { formatTimestamp, parseTimestamp, US_PER_DAY } from './timestamps.ts';
import type { Endpoint } from './types.ts';

export const API_PREFIX = '/api/v1';

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 1000;
const DEFAULT_WINDOW_US = US_PER_DAY;
const MAX_AGE_US = 30 * US_PER_DAY;

export interface ApiResponse {
  status: number;
  body: string | Buffer;
  contentType: string;
  headers?: Record<string, string>;
}

export interface Route {
  endpoint: Endpoint;
  /** Decoded `{index_name}` segment. */
  indexName?: string;
  /** Decoded `{job_id}` segment. */
  jobId?: string;
  /** Set when a segment is not valid percent-encoding. */
  decodeError?: string;
}

export interface ApiContext {
  apiKey: string;
  indexName: string;
  store: JobStore;
  totalDocs: number | undefined;
}

export interface ApiRequest {
  method: string;
  route: Route;
  query: Record<string, string>;
  authorization: string | undefined;
  /** ms since the emulator start on the real clock: the time base of every timeline. */
  elapsedMs: number;
  /** Service clock in microseconds since the epoch. */
  nowUs: number;
}

/**
 * Matches `/api/v1/indexes/{index_name}/jobs` and `/api/v1/indexes/{index_name}/jobs/{job_id}`.
 * The raw path is split on `/` before decoding, so an encoded `%2F` stays inside its segment.
 */
export function parseRoute(path: string): Route {
  const segments = path.split('/');
  const isJobsPath =
    segments[0] === '' &&
    segments[1] === 'api' &&
    segments[2] === 'v1' &&
    segments[3] === 'indexes' &&
    segments[5] === 'jobs';
  let endpoint: Endpoint = 'other';
  if (isJobsPath && segments.length === 6) {
    endpoint = 'list';
  } else if (isJobsPath && segments.length === 7 && segments[6] !== '') {
    endpoint = 'job';
  }
  if (endpoint === 'other') {
    return { endpoint };
  }

  try {
    const indexName = decodeURIComponent(segments[4] as string);
    return endpoint === 'job'
      ? { endpoint, indexName, jobId: decodeURIComponent(segments[6] as string) }
      : { endpoint, indexName };
  } catch {
    return { endpoint, decodeError: `Invalid percent-encoding in path ${path}` };
  }
}

/** Decodes a query string. For a repeated parameter the last value wins, and `+` decodes to a space. */
export function parseQuery(search: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(search)) {
    query[name] = value;
  }
  return query;
}

export function handleApiRequest(context: ApiContext, request: ApiRequest): ApiResponse {
  const { route } = request;
  if (route.endpoint === 'other') {
    return json(404, { detail: 'Not Found' });
  }
  if (request.method !== 'GET') {
    return { ...json(405, { detail: 'Method Not Allowed' }), headers: { allow: 'GET' } };
  }
  if (route.decodeError !== undefined) {
    return json(400, { message: route.decodeError });
  }

  const authError = checkAuthorization(context.apiKey, request.authorization);
  if (authError !== undefined) {
    return { ...json(401, { message: authError }), headers: { 'www-authenticate': 'Bearer' } };
  }
  if (route.indexName !== context.indexName) {
    return json(404, { detail: 'Index not found' });
  }

  return route.endpoint === 'job'
    ? handleGetJob(context, request, route.jobId ?? '')
    : handleListJobs(context, request);
}

function checkAuthorization(apiKey: string, header: string | undefined): string | undefined {
  if (header === undefined || header === '') {
    return 'Missing Authorization header: send Authorization: Bearer <api key>';
  }
  // The scheme name is case-insensitive (RFC 9110, section 11.1), but the key must match exactly.
  const match = /^bearer +(.*)$/i.exec(header);
  if (match === null) {
    return 'Invalid Authorization header: expected the Bearer scheme';
  }
  if (match[1] !== apiKey) {
    return 'Invalid API key';
  }
  return undefined;
}

function handleGetJob(context: ApiContext, request: ApiRequest, jobId: string): ApiResponse {
  const job = context.store.get(jobId);
  // A job created after service-now, or not yet visible, does not exist for the client.
  if (job === undefined || job.createdAtUs > request.nowUs || request.elapsedMs < job.visibleAtMs) {
    return json(404, { detail: 'Job not found' });
  }
  const rendered = renderJob(job, request.elapsedMs);
  rendered.bytes ??= Buffer.from(rendered.body);
  return { status: 200, body: rendered.bytes, contentType: 'application/json' };
}

interface ListQuery {
  limit: number;
  /** Normalized status filter, or undefined for all statuses. */
  status: string | undefined;
  fromUs: number;
  toUs: number;
}

/** Validates the list query against the service clock. Returns the query or the 400 message. */
export function readListQuery(query: Record<string, string>, nowUs: number): ListQuery | string {
  let limit = DEFAULT_LIMIT;
  if (query.limit !== undefined) {
    const raw = query.limit;
    limit = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) {
      return `Invalid limit ${JSON.stringify(raw)}: expected an integer from 1 to ${MAX_LIMIT}`;
    }
  }

  let status: string | undefined;
  if (query.status !== undefined) {
    const raw = query.status;
    status = normalizeStatus(raw);
    if (!(JOB_STATUSES as readonly string[]).includes(status)) {
      return `Invalid status ${JSON.stringify(raw)}: expected one of ${JOB_STATUSES.join(', ')}`;
    }
  }

  let fromUs = nowUs - DEFAULT_WINDOW_US;
  if (query.timeFrom !== undefined) {
    const parsed = parseTimestamp(query.timeFrom);
    if (!parsed.ok) {
      return `Invalid timeFrom ${JSON.stringify(query.timeFrom)}: ${parsed.reason}`;
    }
    fromUs = parsed.us;
    if (fromUs < nowUs - MAX_AGE_US) {
      return `Invalid timeFrom ${JSON.stringify(query.timeFrom)}: must be within the last 30 days (not before ${formatTimestamp(nowUs - MAX_AGE_US)})`;
    }
  }

  let toUs = nowUs;
  if (query.timeTo !== undefined) {
    const parsed = parseTimestamp(query.timeTo);
    if (!parsed.ok) {
      return `Invalid timeTo ${JSON.stringify(query.timeTo)}: ${parsed.reason}`;
    }
    toUs = parsed.us;
    if (toUs > nowUs) {
      return `Invalid timeTo ${JSON.stringify(query.timeTo)}: must not be in the future (service time is ${formatTimestamp(nowUs)})`;
    }
  }

  if (toUs < fromUs) {
    return `Invalid time window: timeTo ${formatTimestamp(toUs)} is before timeFrom ${formatTimestamp(fromUs)}`;
  }
  return { limit, status, fromUs, toUs };
}

function handleListJobs(context: ApiContext, request: ApiRequest): ApiResponse {
  const listQuery = readListQuery(request.query, request.nowUs);
  if (typeof listQuery === 'string') {
    return json(400, { message: listQuery });
  }

  const { elapsedMs } = request;
  const returned: RenderedJob[] = [];
  let total = 0;
  context.store.walkWindow(listQuery.fromUs, listQuery.toUs, (job) => {
    if (elapsedMs < job.visibleAtMs || job.createdAtUs > request.nowUs) {
      return true;
    }
    // The filter uses the scripted status, so a transform that rewrites jobStatus does not move the job.
    if (listQuery.status !== undefined && normalizeStatus(scriptedStatusAt(job, elapsedMs)) !== listQuery.status) {
      return true;
    }
    total++;
    if (returned.length < listQuery.limit) {
      returned.push(renderJob(job, elapsedMs));
    }
    return true;
  });

  const rest = JSON.stringify({
    total,
    totalDocs: context.totalDocs ?? context.store.totalItems,
    ...aggregate(returned),
    timeFrom: formatTimestamp(listQuery.fromUs),
    timeTo: formatTimestamp(listQuery.toUs),
  });
  // Job bodies are spliced in as already-serialized text, so cached bodies are not serialized again.
  const body = `{"jobs":[${returned.map((job) => job.body).join(',')}],${rest.slice(1)}`;
  return { status: 200, body, contentType: 'application/json' };
}

/**
 * Computes the list fields that summarize the returned jobs. jobsByStatus has the six statuses,
 * zero counts included, plus any other status string sent. docsByStatus.PENDING counts the
 * unfinished items of jobs not yet terminal.
 * NOTE: the service does not document where conflict items go in docsByStatus. Here SKIPPED
 * counts skipped and conflict items together.
 */
function aggregate(jobs: readonly RenderedJob[]): {
  hasActiveJob: boolean;
  jobsByStatus: Record<string, number>;
  docsByStatus: Record<'PROCESSED' | 'FAILED' | 'SKIPPED' | 'PENDING', number>;
} {
  const jobsByStatus: Record<string, number> = Object.fromEntries(JOB_STATUSES.map((status) => [status, 0]));
  const docsByStatus = { PROCESSED: 0, FAILED: 0, SKIPPED: 0, PENDING: 0 };
  let hasActiveJob = false;

  for (const job of jobs) {
    if (job.status !== '') {
      jobsByStatus[job.status] = (jobsByStatus[job.status] ?? 0) + 1;
    }
    const normalized = normalizeStatus(job.status);
    hasActiveJob ||= normalized === 'PENDING' || normalized === 'IN_PROGRESS';

    docsByStatus.PROCESSED += job.processedItems;
    docsByStatus.FAILED += job.failedItems;
    docsByStatus.SKIPPED += job.skippedItems + job.conflictItems;
    if (!isTerminalStatus(job.status)) {
      const done = job.processedItems + job.failedItems + job.skippedItems + job.conflictItems;
      docsByStatus.PENDING += Math.max(0, job.totalItems - done);
    }
  }
  return { hasActiveJob, jobsByStatus, docsByStatus };
}

function json(status: number, value: unknown): ApiResponse {
  return { status, body: JSON.stringify(value), contentType: 'application/json' };
}
