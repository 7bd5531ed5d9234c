/**
 * Scripted jobs: their state at a point in time, their serialized bodies, and the index that
 * list requests search by creation time.
 */
import { hashString } from './random.ts';
import { formatTimestamp, parseTimestamp, US_PER_MS } from './timestamps.ts';
import type { JobFields, JobPhase, ScriptedJob } from './types.ts';

export const JOB_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CONFLICT', 'CANCELLED'] as const;

const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED', 'CONFLICT', 'CANCELLED']);

/** Upper-cases a status and maps the legacy names QUEUED and RUNNING to PENDING and IN_PROGRESS. */
export function normalizeStatus(status: string): string {
  const upper = status.toUpperCase();
  if (upper === 'QUEUED') {
    return 'PENDING';
  }
  if (upper === 'RUNNING') {
    return 'IN_PROGRESS';
  }
  return upper;
}

export function isTerminalStatus(status: string): boolean {
  return TERMINAL_STATUSES.has(normalizeStatus(status));
}

/** A job body ready to send, with the numbers that list responses aggregate. */
export interface RenderedJob {
  body: string;
  /** `body` encoded as UTF-8, filled in when the job is first sent on its own. */
  bytes?: Buffer;
  /** `jobStatus` as sent, or '' when the body has none. */
  status: string;
  totalItems: number;
  processedItems: number;
  failedItems: number;
  skippedItems: number;
  conflictItems: number;
}

export interface StoredJob {
  readonly script: ScriptedJob;
  readonly jobId: string;
  readonly createdAtUs: number;
  readonly createdAtText: string;
  /** Timeline sorted by `atMs`. Phases with equal `atMs` keep their scripted order. */
  readonly phases: readonly JobPhase[];
  /** Service time of each phase in microseconds, never before `createdAtUs` and never decreasing. */
  readonly phaseUs: readonly number[];
  readonly visibleAtMs: number;
  /** Body of the job once it has reached its last phase, after which it no longer changes. */
  cached?: RenderedJob;
}

export interface JobClock {
  /** Service time at the emulator start, in microseconds since the epoch. */
  serviceStartUs: number;
  /** Seed of the microsecond digits added to scripted offsets. */
  seed: number;
}

/** Jobs by ID, and sorted by creation time for window queries. */
export class JobStore {
  readonly #clock: JobClock;
  readonly #byId = new Map<string, StoredJob>();
  /** Ascending by `createdAtUs`, ties by descending job ID, so a backward walk is newest first with ties by ascending ID. */
  #sorted: StoredJob[] = [];
  #totalItems = 0;

  constructor(clock: JobClock) {
    this.#clock = clock;
  }

  /** Adds jobs. Throws on a duplicate job ID or an invalid `createdAt`, before adding any of them. */
  add(scripts: readonly ScriptedJob[]): void {
    const prepared = scripts.map((script) => prepareJob(script, this.#clock));
    const seen = new Set<string>();
    for (const job of prepared) {
      if (this.#byId.has(job.jobId) || seen.has(job.jobId)) {
        throw new Error(`Duplicate job ID ${JSON.stringify(job.jobId)}: every scripted job needs its own ID`);
      }
      seen.add(job.jobId);
    }
    for (const job of prepared) {
      this.#byId.set(job.jobId, job);
      this.#sorted.push(job);
      this.#totalItems += job.script.totalItems;
    }
    this.#sorted.sort(compareByCreation);
  }

  get(jobId: string): StoredJob | undefined {
    return this.#byId.get(jobId);
  }

  get size(): number {
    return this.#byId.size;
  }

  /** Sum of `totalItems` over every scripted job. */
  get totalItems(): number {
    return this.#totalItems;
  }

  /**
   * Visits the jobs with `fromUs <= createdAtUs <= toUs`, newest first, until `visit` returns false.
   * Binary search finds the window, so the cost is the size of the window, not of the store.
   */
  walkWindow(fromUs: number, toUs: number, visit: (job: StoredJob) => boolean): void {
    const start = lowerBound(this.#sorted, (job) => job.createdAtUs >= fromUs);
    const end = lowerBound(this.#sorted, (job) => job.createdAtUs > toUs);
    for (let i = end - 1; i >= start; i--) {
      if (!visit(this.#sorted[i] as StoredJob)) {
        return;
      }
    }
  }
}

function compareByCreation(a: StoredJob, b: StoredJob): number {
  if (a.createdAtUs !== b.createdAtUs) {
    return a.createdAtUs - b.createdAtUs;
  }
  if (a.jobId === b.jobId) {
    return 0;
  }
  return a.jobId < b.jobId ? 1 : -1;
}

/** Returns the first index whose item satisfies `isAtOrAfter`, which must be false then true along the array. */
function lowerBound<T>(items: readonly T[], isAtOrAfter: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isAtOrAfter(items[middle] as T)) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return low;
}

/** Validates a scripted job and computes its creation and phase times on the service clock. */
export function prepareJob(script: ScriptedJob, clock: JobClock): StoredJob {
  const jobId = script.jobId;
  if (typeof jobId !== 'string' || jobId === '') {
    throw new Error(`Invalid scripted job: jobId must be a non-empty string, got ${JSON.stringify(jobId)}`);
  }
  if (!Number.isInteger(script.totalItems) || script.totalItems < 0) {
    throw new Error(`Invalid scripted job ${JSON.stringify(jobId)}: totalItems must be an integer >= 0`);
  }
  if (!Array.isArray(script.timeline)) {
    throw new Error(`Invalid scripted job ${JSON.stringify(jobId)}: timeline must be an array of phases`);
  }

  const microDigits = (label: string): number => hashString(`${clock.seed}\u0000${jobId}\u0000${label}`) % US_PER_MS;

  let createdAtUs: number;
  let createdAtText: string;
  if (script.createdAt !== undefined) {
    const parsed = parseTimestamp(script.createdAt);
    if (!parsed.ok) {
      throw new Error(
        `Invalid createdAt ${JSON.stringify(script.createdAt)} for job ${JSON.stringify(jobId)}: ${parsed.reason}`,
      );
    }
    createdAtUs = parsed.us;
    createdAtText = script.createdAt;
  } else {
    createdAtUs = clock.serviceStartUs + Math.round((script.createdAtMs ?? 0) * US_PER_MS) + microDigits('createdAt');
    createdAtText = formatTimestamp(createdAtUs);
  }

  // A stable sort keeps the scripted order of phases that share one atMs, so the last one wins.
  const phases = script.timeline.map((phase) => ({ ...phase })).sort((a, b) => a.atMs - b.atMs);
  const phaseUs: number[] = [];
  let previousUs = createdAtUs;
  phases.forEach((phase, index) => {
    const us = clock.serviceStartUs + Math.round(phase.atMs * US_PER_MS) + microDigits(`phase ${index}`);
    previousUs = Math.max(previousUs, us);
    phaseUs.push(previousUs);
  });

  return {
    script,
    jobId,
    createdAtUs,
    createdAtText,
    phases,
    phaseUs,
    visibleAtMs: script.visibleAtMs ?? Number.NEGATIVE_INFINITY,
  };
}

/** Returns the index of the phase in force `elapsedMs` after the emulator start, or -1 before the first one. */
export function phaseIndexAt(job: StoredJob, elapsedMs: number): number {
  for (let i = job.phases.length - 1; i >= 0; i--) {
    if ((job.phases[i] as JobPhase).atMs <= elapsedMs) {
      return i;
    }
  }
  return -1;
}

/** Returns the scripted status at a time: PENDING before the first phase. */
export function scriptedStatusAt(job: StoredJob, elapsedMs: number): string {
  const index = phaseIndexAt(job, elapsedMs);
  return index < 0 ? 'PENDING' : (job.phases[index] as JobPhase).status;
}

/** Builds, transforms and serializes the job object at a time, reusing the cached body in the last phase. */
export function renderJob(job: StoredJob, elapsedMs: number): RenderedJob {
  const index = phaseIndexAt(job, elapsedMs);
  const isLastPhase = index === job.phases.length - 1;
  if (isLastPhase && job.cached !== undefined) {
    return job.cached;
  }

  const fields = buildJobFields(job, index, elapsedMs);
  let value: unknown = fields;
  if (job.script.transform !== undefined) {
    const transformed = job.script.transform(fields as unknown as Record<string, unknown>);
    value = transformed === undefined ? fields : transformed;
  }

  const rendered = summarize(value);
  if (isLastPhase) {
    job.cached = rendered;
  }
  return rendered;
}

function buildJobFields(job: StoredJob, index: number, elapsedMs: number): JobFields {
  const { script, phases, phaseUs } = job;
  const phase = index >= 0 ? phases[index] : undefined;
  const nextPhase = phases[index + 1];
  const status = phase?.status ?? 'PENDING';
  const normalized = normalizeStatus(status);

  const fields: JobFields = {
    jobId: job.jobId,
    jobType: script.jobType ?? 'BULK',
    jobStatus: status,
    platformData: {},
    totalItems: script.totalItems,
    processedItems: 0,
    failedItems: 0,
    skippedItems: 0,
    conflictItems: 0,
    errorMessage: null,
    failedItemsDetails: {},
    errorSummary: {},
    skippedItemsDetails: {},
    skippedSummary: {},
    conflictDetails: {},
    conflictSummary: {},
    createdAt: job.createdAtText,
    startedAt: null,
    completedAt: null,
    progressPercentage: 0,
    estimatedTimeMinutes: null,
  };

  const startedIndex = phases.findIndex(
    (candidate, i) => i <= index && normalizeStatus(candidate.status) === 'IN_PROGRESS',
  );
  if (startedIndex >= 0) {
    fields.startedAt = formatTimestamp(phaseUs[startedIndex] as number);
  }

  if (TERMINAL_STATUSES.has(normalized)) {
    // completedAt is the start of the run of terminal phases that ends at the current one.
    let completedIndex = index;
    while (completedIndex > 0 && isTerminalStatus((phases[completedIndex - 1] as JobPhase).status)) {
      completedIndex--;
    }
    fields.completedAt = formatTimestamp(phaseUs[completedIndex] as number);
    applyTerminalFields(fields, script.final ?? {}, phase);
    return fields;
  }

  let progress = phase?.progressPercentage;
  if (progress === undefined && normalized === 'IN_PROGRESS' && phase !== undefined && nextPhase !== undefined) {
    const fraction = (elapsedMs - phase.atMs) / (nextPhase.atMs - phase.atMs);
    progress = Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 10;
  }
  fields.progressPercentage = progress ?? 0;
  fields.processedItems = Math.floor((script.totalItems * fields.progressPercentage) / 100);

  if (phase !== undefined && 'estimatedTimeMinutes' in phase) {
    fields.estimatedTimeMinutes = phase.estimatedTimeMinutes ?? null;
  } else if (normalized === 'IN_PROGRESS' && nextPhase !== undefined) {
    fields.estimatedTimeMinutes = Math.ceil((nextPhase.atMs - elapsedMs) / 60_000);
  }
  return fields;
}

/**
 * Fills in the counts of a terminal job. Counts default to the number of IDs or objects in the
 * matching details map, summaries to the per-key counts, and processedItems to what remains.
 */
function applyTerminalFields(fields: JobFields, final: Partial<JobFields>, phase: JobPhase | undefined): void {
  const failedItemsDetails = final.failedItemsDetails ?? {};
  const skippedItemsDetails = final.skippedItemsDetails ?? {};
  const conflictDetails = final.conflictDetails ?? {};

  fields.failedItems = final.failedItems ?? countEntries(failedItemsDetails);
  fields.skippedItems = final.skippedItems ?? countEntries(skippedItemsDetails);
  fields.conflictItems = final.conflictItems ?? countEntries(conflictDetails);
  fields.failedItemsDetails = failedItemsDetails;
  fields.skippedItemsDetails = skippedItemsDetails;
  fields.conflictDetails = conflictDetails;
  fields.errorSummary = final.errorSummary ?? countPerKey(failedItemsDetails);
  fields.skippedSummary = final.skippedSummary ?? countPerKey(skippedItemsDetails);
  fields.conflictSummary = final.conflictSummary ?? countPerKey(conflictDetails);
  fields.processedItems = Math.max(
    0,
    fields.totalItems - fields.failedItems - fields.skippedItems - fields.conflictItems,
  );
  fields.progressPercentage = phase?.progressPercentage ?? 100;
  if (phase !== undefined && 'estimatedTimeMinutes' in phase) {
    fields.estimatedTimeMinutes = phase.estimatedTimeMinutes ?? null;
  }
  Object.assign(fields, final);
}

function countEntries(details: Record<string, unknown>): number {
  let count = 0;
  for (const entries of Object.values(details)) {
    count += Array.isArray(entries) ? entries.length : 0;
  }
  return count;
}

function countPerKey(details: Record<string, unknown>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [key, entries] of Object.entries(details)) {
    counts[key] = Array.isArray(entries) ? entries.length : 0;
  }
  return counts;
}

function summarize(value: unknown): RenderedJob {
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const count = (key: string): number => {
    const field = record[key];
    return typeof field === 'number' && Number.isFinite(field) ? field : 0;
  };
  return {
    body: JSON.stringify(value) ?? 'null',
    status: typeof record.jobStatus === 'string' ? record.jobStatus : '',
    totalItems: count('totalItems'),
    processedItems: count('processedItems'),
    failedItems: count('failedItems'),
    skippedItems: count('skippedItems'),
    conflictItems: count('conflictItems'),
  };
}
