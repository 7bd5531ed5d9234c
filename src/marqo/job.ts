import { parseTimestamp } from '../time.ts';

export const JOB_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CONFLICT', 'CANCELLED'] as const;

export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['COMPLETED', 'FAILED', 'CONFLICT', 'CANCELLED']);

// An older edition of the Marqo documentation used these names for the two active statuses.
const LEGACY_STATUSES: Record<string, JobStatus> = { QUEUED: 'PENDING', RUNNING: 'IN_PROGRESS' };

/** Maps a status string case-insensitively, legacy names included, or returns null when it is unknown. */
export function normalizeStatus(text: string): JobStatus | null {
  const upper = text.trim().toUpperCase().replace(/[\s-]/g, '_');
  if ((JOB_STATUSES as readonly string[]).includes(upper)) return upper as JobStatus;
  return LEGACY_STATUSES[upper] ?? null;
}

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** A job object from the API, type-checked, with statuses normalised and ID lists as strings. */
export interface Job {
  jobId: string;
  jobType: string;
  /** The normalised status, or null when the API sent a status this action does not know. */
  jobStatus: JobStatus | null;
  /** The status exactly as the API sent it. */
  rawStatus: string;
  totalItems: number;
  processedItems: number;
  failedItems: number;
  skippedItems: number;
  conflictItems: number;
  errorMessage: string | null;
  /** Error type to failed document IDs. */
  failedItemsDetails: Record<string, string[]>;
  /** Error type to count. */
  errorSummary: Record<string, number>;
  /** Skip reason to document IDs. */
  skippedItemsDetails: Record<string, string[]>;
  skippedSummary: Record<string, number>;
  /** Conflict reason to the job IDs named by its conflict objects. */
  conflictingJobIds: Record<string, string[]>;
  /** Conflict reason to the document IDs its conflict objects name. */
  conflictDocumentIds: Record<string, string[]>;
  /** Conflict reason to the number of conflict objects listed. */
  conflictDetailCounts: Record<string, number>;
  conflictSummary: Record<string, number>;
  createdAt: string;
  /** `createdAt` in microseconds since the epoch. */
  createdAtMicros: number;
  startedAt: string | null;
  completedAt: string | null;
  progressPercentage: number | null;
  estimatedTimeMinutes: number | null;
  /** The object as received, kept for the JSON report. */
  raw: Record<string, unknown>;
}

export interface JobList {
  jobs: Job[];
  total: number;
  hasActiveJob: boolean | null;
  /** The window the service used, as it wrote it. */
  timeFrom: string | null;
  timeTo: string | null;
}

/** A response that does not have the documented shape; `field` names the offending field. */
export class ResponseFormatError extends Error {
  readonly field: string;
  constructor(field: string, expected: string, actual: unknown) {
    super(`field ${field} should be ${expected}, got ${describeValue(actual)}`);
    this.name = 'ResponseFormatError';
    this.field = field;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `${typeof value} ${String(value)}`;
  return typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(object: Record<string, unknown>, field: string, path: string): string {
  const value = object[field];
  if (typeof value !== 'string' || value === '') {
    throw new ResponseFormatError(`${path}${field}`, 'a non-empty string', value);
  }
  return value;
}

function optionalString(object: Record<string, unknown>, field: string, path: string): string | null {
  const value = object[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ResponseFormatError(`${path}${field}`, 'a string or null', value);
  return value;
}

function count(object: Record<string, unknown>, field: string, path: string, required: boolean): number {
  const value = object[field];
  if (value === undefined && !required) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ResponseFormatError(`${path}${field}`, 'a whole number of 0 or more', value);
  }
  return value;
}

function optionalNumber(object: Record<string, unknown>, field: string, path: string): number | null {
  const value = object[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ResponseFormatError(`${path}${field}`, 'a number or null', value);
  }
  return value;
}

function optionalTimestamp(object: Record<string, unknown>, field: string, path: string): string | null {
  const value = optionalString(object, field, path);
  // A timestamp that cannot be read only costs a duration, which is then shown as unknown.
  if (value !== null && parseTimestamp(value) === null) return null;
  return value;
}

/** Returns the document ID of a details-list entry: a string, or an object naming one, as the shapes are not documented. */
function documentIdOf(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  if (typeof entry === 'number' || typeof entry === 'boolean') return String(entry);
  if (isRecord(entry)) {
    for (const key of ['_id', 'id', 'documentId', 'docId', 'productId']) {
      const value = entry[key];
      if (typeof value === 'string' || typeof value === 'number') return String(value);
    }
  }
  return JSON.stringify(entry) ?? 'null';
}

function idLists(object: Record<string, unknown>, field: string, path: string): Record<string, string[]> {
  const value = object[field];
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new ResponseFormatError(`${path}${field}`, 'an object of ID lists', value);
  const result: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [key, list] of Object.entries(value)) {
    if (!Array.isArray(list)) {
      throw new ResponseFormatError(`${path}${field}.${key}`, 'an array', list);
    }
    // Keep the array the parser made when it contains only strings: a failed bulk job can list
    // a hundred thousand IDs or more, and a copy would double the memory they take.
    result[key] = list.every((entry) => typeof entry === 'string') ? list : list.map(documentIdOf);
  }
  return result;
}

function countsByKey(object: Record<string, unknown>, field: string, path: string): Record<string, number> {
  const value = object[field];
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new ResponseFormatError(`${path}${field}`, 'an object of counts', value);
  const result: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'number' || !Number.isFinite(entry) || entry < 0) {
      throw new ResponseFormatError(`${path}${field}.${key}`, 'a number of 0 or more', entry);
    }
    result[key] = entry;
  }
  return result;
}

const JOB_ID_KEYS = new Set(['jobId', 'job_id', 'conflictingJobId', 'conflicting_job_id', 'otherJobId']);

/** Collects the job IDs that a conflict object names, at any depth, as the shape is not documented. */
function collectJobIds(value: unknown, into: Set<string>, depth = 0): void {
  if (depth > 4 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const entry of value) collectJobIds(entry, into, depth + 1);
    return;
  }
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (JOB_ID_KEYS.has(key) && typeof entry === 'string') into.add(entry);
    else if (/job_?ids$/i.test(key) && Array.isArray(entry)) {
      for (const id of entry) if (typeof id === 'string') into.add(id);
    } else collectJobIds(entry, into, depth + 1);
  }
}

const DOCUMENT_ID_KEYS = ['documentId', 'document_id', 'docId', '_id', 'id'];

/** Returns the document ID of one conflict object: a string entry, or a field named like a document ID. */
function conflictDocumentId(entry: unknown): string | null {
  if (typeof entry === 'string') return entry;
  if (!isRecord(entry)) return null;
  for (const key of DOCUMENT_ID_KEYS) {
    const value = entry[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return null;
}

function conflicts(
  object: Record<string, unknown>,
  path: string,
): { jobIds: Record<string, string[]>; documentIds: Record<string, string[]>; counts: Record<string, number> } {
  const value = object.conflictDetails;
  const jobIds: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const documentIds: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const counts: Record<string, number> = Object.create(null) as Record<string, number>;
  if (value === undefined || value === null) return { jobIds, documentIds, counts };
  if (!isRecord(value)) throw new ResponseFormatError(`${path}conflictDetails`, 'an object', value);
  for (const [reason, entries] of Object.entries(value)) {
    const ids = new Set<string>();
    collectJobIds(entries, ids);
    jobIds[reason] = [...ids];
    const list = Array.isArray(entries) ? entries : [entries];
    documentIds[reason] = list.map(conflictDocumentId).filter((id): id is string => id !== null);
    counts[reason] = list.length;
  }
  return { jobIds, documentIds, counts };
}

/**
 * Checks one job object from the API and returns it typed. Throws ResponseFormatError naming
 * the first field that is missing or of the wrong type. `path` prefixes field names in the
 * message, for jobs inside a list.
 */
export function parseJob(value: unknown, path = ''): Job {
  if (!isRecord(value))
    throw new ResponseFormatError(path === '' ? 'job' : path.replace(/\.$/, ''), 'an object', value);
  const jobId = requireString(value, 'jobId', path);
  const rawStatus = requireString(value, 'jobStatus', path);
  const createdAt = requireString(value, 'createdAt', path);
  const created = parseTimestamp(createdAt);
  if (created === null) throw new ResponseFormatError(`${path}createdAt`, 'an ISO 8601 timestamp', createdAt);
  const jobType = value.jobType;
  if (jobType !== undefined && jobType !== null && typeof jobType !== 'string') {
    throw new ResponseFormatError(`${path}jobType`, 'a string', jobType);
  }
  const { jobIds, documentIds, counts } = conflicts(value, path);

  return {
    jobId,
    jobType: typeof jobType === 'string' ? jobType : '',
    jobStatus: normalizeStatus(rawStatus),
    rawStatus,
    totalItems: count(value, 'totalItems', path, true),
    processedItems: count(value, 'processedItems', path, true),
    failedItems: count(value, 'failedItems', path, true),
    skippedItems: count(value, 'skippedItems', path, false),
    conflictItems: count(value, 'conflictItems', path, false),
    errorMessage: optionalString(value, 'errorMessage', path),
    failedItemsDetails: idLists(value, 'failedItemsDetails', path),
    errorSummary: countsByKey(value, 'errorSummary', path),
    skippedItemsDetails: idLists(value, 'skippedItemsDetails', path),
    skippedSummary: countsByKey(value, 'skippedSummary', path),
    conflictingJobIds: jobIds,
    conflictDocumentIds: documentIds,
    conflictDetailCounts: counts,
    conflictSummary: countsByKey(value, 'conflictSummary', path),
    createdAt,
    createdAtMicros: created.micros,
    startedAt: optionalTimestamp(value, 'startedAt', path),
    completedAt: optionalTimestamp(value, 'completedAt', path),
    progressPercentage: optionalNumber(value, 'progressPercentage', path),
    estimatedTimeMinutes: optionalNumber(value, 'estimatedTimeMinutes', path),
    raw: value,
  };
}

/** Checks a list response and returns it typed; throws ResponseFormatError like parseJob. */
export function parseJobList(value: unknown): JobList {
  if (!isRecord(value)) throw new ResponseFormatError('response', 'an object', value);
  const jobs = value.jobs;
  if (!Array.isArray(jobs)) throw new ResponseFormatError('jobs', 'an array', jobs);
  const total = value.total;
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) {
    throw new ResponseFormatError('total', 'a whole number of 0 or more', total);
  }
  const hasActiveJob = value.hasActiveJob;
  return {
    jobs: jobs.map((job, index) => parseJob(job, `jobs[${index}].`)),
    total,
    hasActiveJob: typeof hasActiveJob === 'boolean' ? hasActiveJob : null,
    timeFrom: typeof value.timeFrom === 'string' && parseTimestamp(value.timeFrom) ? value.timeFrom : null,
    timeTo: typeof value.timeTo === 'string' && parseTimestamp(value.timeTo) ? value.timeTo : null,
  };
}
