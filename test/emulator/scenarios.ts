/**
 * Builders of scripted jobs: a realistic catalog deploy and the large or odd windows that the
 * end-to-end tests need. Every builder is deterministic for a given seed.
 */
import { createRandom } from './random.ts';
import type { Random } from './random.ts';
import type { JobPhase, ScriptedJob } from './types.ts';

export { createRandom, hashString } from './random.ts';
export type { Random } from './random.ts';

export interface DemoScenarioOptions {
  /** Default 2026. */
  seed?: number;
  /** Multiplies every time offset: 0.1 plays the ~30 s deploy in ~3 s. Default 1. */
  timeScale?: number;
}

/**
 * Builds a catalog deploy of 12 BULK jobs of 25 to 75 documents, created over the first ~20 s and
 * all terminal within ~30 s. Job 5 is FAILED with 5 failed documents, job 9 is CONFLICT with 3
 * documents whose conflict names job 8, and job 11 skips 2 unchanged documents. The others complete.
 */
export function demoScenario(options: DemoScenarioOptions = {}): ScriptedJob[] {
  const random = createRandom(options.seed ?? 2026);
  const scale = options.timeScale ?? 1;
  const jobs: ScriptedJob[] = [];
  let nextSku = 1000;

  for (let i = 0; i < 12; i++) {
    const totalItems = random.int(25, 75);
    const skus = Array.from({ length: totalItems }, (_, k) => `sku-${nextSku + k}`);
    nextSku += totalItems;

    const createdAtMs = i * 1_700 + random.int(0, 300);
    const startMs = createdAtMs + random.int(800, 2_500);
    const endMs = startMs + random.int(3_000, 6_500);
    const job: ScriptedJob = {
      jobId: random.uuid(),
      jobType: 'BULK',
      createdAtMs: Math.round(createdAtMs * scale),
      totalItems,
      timeline: [
        { atMs: Math.round(createdAtMs * scale), status: 'PENDING' },
        { atMs: Math.round(startMs * scale), status: 'IN_PROGRESS' },
        { atMs: Math.round(endMs * scale), status: 'COMPLETED' },
      ],
    };
    jobs.push(job);
    attachDemoOutcome(i, job, skus, jobs, random);
  }
  return jobs;
}

/** Gives demo jobs 5, 9 and 11 (1-based) their failures, conflicts and skips. */
function attachDemoOutcome(
  index: number,
  job: ScriptedJob,
  skus: string[],
  earlier: ScriptedJob[],
  random: Random,
): void {
  const last = job.timeline[job.timeline.length - 1] as JobPhase;
  const pickSkus = (count: number): string[] => {
    const start = random.int(0, skus.length - count);
    return skus.slice(start, start + count);
  };

  if (index === 4) {
    last.status = 'FAILED';
    const invalid = pickSkus(5);
    job.final = {
      errorMessage: `5 of ${job.totalItems} documents failed validation`,
      failedItemsDetails: {
        invalid_field_value: invalid.slice(0, 3),
        missing_required_field: invalid.slice(3),
      },
    };
  } else if (index === 8) {
    last.status = 'CONFLICT';
    const previous = earlier[index - 1] as ScriptedJob;
    const conflicting = pickSkus(3);
    job.final = {
      conflictDetails: {
        version_conflict: conflicting.map((documentId) => ({
          documentId,
          conflictingJobId: previous.jobId,
          message: `Document was modified by job ${previous.jobId} after this job read it`,
        })),
      },
    };
  } else if (index === 10) {
    job.final = { skippedItemsDetails: { unchanged_document: pickSkus(2) } };
  }
}

export interface UniformJobsOptions {
  /** Default 1. */
  seed?: number;
  /** Creation times are spread evenly from this offset... Default -20 hours. */
  createdFromMs?: number;
  /** ...to this one, with random microsecond digits. Default 0. */
  createdToMs?: number;
  /** Each job becomes terminal at a random offset from finishFromMs to finishToMs, never before its creation. Default 0. */
  finishFromMs?: number;
  /** Default `finishFromMs`. */
  finishToMs?: number;
  /** Terminal status of every job. Default COMPLETED. */
  status?: string;
  /** Documents per job, a fixed count or a [min, max] range. Default [25, 75]. */
  totalItems?: number | [number, number];
  /** IDs are `${idPrefix}${index}` with the index zero-padded; without a prefix they are seeded UUIDs. */
  idPrefix?: string;
  /** Default BULK. */
  jobType?: string;
}

/** Builds `count` jobs created at evenly spread times, each PENDING, then IN_PROGRESS, then terminal. */
export function uniformJobs(count: number, options: UniformJobsOptions = {}): ScriptedJob[] {
  const random = createRandom(options.seed ?? 1);
  const createdFromMs = options.createdFromMs ?? -20 * 3_600_000;
  const createdToMs = options.createdToMs ?? 0;
  const finishFromMs = options.finishFromMs ?? 0;
  const finishToMs = options.finishToMs ?? finishFromMs;
  const status = options.status ?? 'COMPLETED';
  const [minItems, maxItems] = Array.isArray(options.totalItems)
    ? options.totalItems
    : [options.totalItems ?? 25, options.totalItems ?? 75];
  const width = String(Math.max(count - 1, 0)).length;

  return Array.from({ length: count }, (_, i): ScriptedJob => {
    const createdAtMs =
      count === 1 ? createdFromMs : Math.round(createdFromMs + ((createdToMs - createdFromMs) * i) / (count - 1));
    const finishMs = Math.max(createdAtMs, finishFromMs + random.next() * (finishToMs - finishFromMs));
    const startMs = createdAtMs + (finishMs - createdAtMs) * 0.2;
    return {
      jobId: options.idPrefix === undefined ? random.uuid() : `${options.idPrefix}${String(i).padStart(width, '0')}`,
      jobType: options.jobType ?? 'BULK',
      createdAtMs,
      totalItems: random.int(minItems, maxItems),
      timeline: [
        { atMs: createdAtMs, status: 'PENDING' },
        { atMs: Math.round(startMs), status: 'IN_PROGRESS' },
        { atMs: Math.round(finishMs), status },
      ],
    };
  });
}

export interface PileOptions {
  /** Default 1. */
  seed?: number;
  /** Terminal status of every job. Default COMPLETED. */
  status?: string;
  /** Offset from the emulator start at which every job becomes terminal. Default 0. */
  finishMs?: number;
  /** Default 50. */
  totalItems?: number;
  /** IDs are `${idPrefix}${index}` with the index zero-padded; without a prefix they are seeded UUIDs. */
  idPrefix?: string;
}

/**
 * Builds `count` jobs that share one creation time: an exact ISO 8601 string sent verbatim, or an
 * offset in ms from the emulator start.
 */
export function sameTimestampPile(count: number, createdAt: string | number, options: PileOptions = {}): ScriptedJob[] {
  const random = createRandom(options.seed ?? 1);
  const finishMs = options.finishMs ?? 0;
  const width = String(Math.max(count - 1, 0)).length;
  return Array.from({ length: count }, (_, i): ScriptedJob => {
    const job: ScriptedJob = {
      jobId: options.idPrefix === undefined ? random.uuid() : `${options.idPrefix}${String(i).padStart(width, '0')}`,
      totalItems: options.totalItems ?? 50,
      timeline: [{ atMs: finishMs, status: options.status ?? 'COMPLETED' }],
    };
    if (typeof createdAt === 'string') {
      job.createdAt = createdAt;
    } else {
      job.createdAtMs = createdAt;
    }
    return job;
  });
}

export interface FailedJobOptions {
  /** Default `failed-job-${n}`. */
  jobId?: string;
  /** Offset from the emulator start at which the job fails. Default 0. */
  finishMs?: number;
  /** Default `n`: every document failed. */
  totalItems?: number;
  /** Document ID of the i-th failure. Default `sku-${i}`. */
  documentId?: (index: number) => string;
  /** Default `invalid_field_value`. */
  errorType?: string;
}

/** Builds one FAILED job whose failedItemsDetails lists `n` failed document IDs under one error type. */
export function failedJobWithIds(n: number, options: FailedJobOptions = {}): ScriptedJob {
  const documentId = options.documentId ?? ((index: number) => `sku-${index}`);
  const ids = Array.from({ length: n }, (_, i) => documentId(i));
  const finishMs = options.finishMs ?? 0;
  const timeline: JobPhase[] =
    finishMs > 0
      ? [
          { atMs: 0, status: 'IN_PROGRESS' },
          { atMs: finishMs, status: 'FAILED' },
        ]
      : [{ atMs: finishMs, status: 'FAILED' }];
  return {
    jobId: options.jobId ?? `failed-job-${n}`,
    totalItems: options.totalItems ?? n,
    timeline,
    final: {
      errorMessage: `${n} documents failed validation`,
      failedItemsDetails: { [options.errorType ?? 'invalid_field_value']: ids },
    },
  };
}
