/**
 * Shared setup of the end-to-end tests of the action's main path. Each test starts its own
 * emulator and runs the committed bundle against it with fast defaults. The readers below parse
 * what a run leaves behind: outputs, step summary, JSON report, log and the emulator's requests.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startEmulator } from '../emulator/server.ts';
import type { Emulator, EmulatorOptions, JobFields, RecordedRequest, ScriptedJob } from '../emulator/server.ts';
import { REPO_ROOT, runAction } from './run-action.ts';
import type { RunActionOptions, RunActionResult } from './run-action.ts';

/** An API key unlike any other text, so that a search for it in the log or a file finds only leaks. */
export const API_KEY = 'e2e-key-Zq81vX3mW7';
export const INDEX_NAME = 'catalog-demo';

const emulators: Emulator[] = [];
const runnerTemps: string[] = [];

/**
 * Starts an emulator that accepts API_KEY for INDEX_NAME unless `options` sets others. The
 * jobs are added when the first request arrives, with every offset counted from that moment,
 * so a timeline plays the same whether Node takes 0.2 s or 3 s to start the action.
 */
export async function startApi(options: EmulatorOptions = {}): Promise<Emulator> {
  const { jobs = [], ...rest } = options;
  const emulator = await startEmulator({ apiKey: API_KEY, indexName: INDEX_NAME, ...rest });
  emulators.push(emulator);

  // A rule's match runs before the response is computed, which makes it the one hook early
  // enough. It never matches, so no fault is sent.
  let added = false;
  emulator.addFault({
    match: () => {
      if (!added) {
        added = true;
        emulator.addJobs(shiftJobs(jobs, Date.now() - emulator.startedAt));
      }
      return false;
    },
    fault: { kind: 'status', status: 500 },
  });
  return emulator;
}

/** Moves every offset of the jobs `ms` later. */
function shiftJobs(jobs: ScriptedJob[], ms: number): ScriptedJob[] {
  return jobs.map((job) => {
    const shifted: ScriptedJob = {
      ...job,
      timeline: job.timeline.map((phase) => ({ ...phase, atMs: phase.atMs + ms })),
    };
    if (job.createdAt === undefined) shifted.createdAtMs = (job.createdAtMs ?? 0) + ms;
    if (job.visibleAtMs !== undefined) shifted.visibleAtMs = job.visibleAtMs + ms;
    return shifted;
  });
}

/**
 * Runs dist/index.js against `emulator`. The key, index and base URL point at the emulator, and
 * poll-interval is 1s to keep waits short. `inputs` overrides any of them.
 */
export async function runGate(
  emulator: Emulator,
  inputs: Record<string, string> = {},
  options: Omit<RunActionOptions, 'inputs'> = {},
): Promise<RunActionResult> {
  const run = await runAction({
    inputs: {
      'api-key': API_KEY,
      'index-name': INDEX_NAME,
      'base-url': emulator.baseUrl,
      'poll-interval': '1s',
      ...inputs,
    },
    ...options,
  });
  runnerTemps.push(run.runnerTemp);
  return run;
}

/** Closes every emulator and deletes every RUNNER_TEMP of the file's runs. */
export async function cleanUp(): Promise<void> {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
  await Promise.all(runnerTemps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

// Jobs

/** Builds a job that reached `status` a minute before the first request. */
export function finishedJob(jobId: string, status = 'COMPLETED', extra: Partial<ScriptedJob> = {}): ScriptedJob {
  return {
    jobId,
    totalItems: 50,
    createdAtMs: -120_000,
    timeline: [
      { atMs: -110_000, status: 'IN_PROGRESS' },
      { atMs: -60_000, status },
    ],
    ...extra,
  };
}

/** Builds a job, created before the first request, that is IN_PROGRESS until it reaches `status` at `endMs`. */
export function jobEndingAt(
  jobId: string,
  endMs: number,
  status = 'COMPLETED',
  extra: Partial<ScriptedJob> = {},
): ScriptedJob {
  return {
    jobId,
    totalItems: 50,
    createdAtMs: -5_000,
    timeline: [
      { atMs: -4_000, status: 'IN_PROGRESS' },
      { atMs: endMs, status },
    ],
    ...extra,
  };
}

/** Builds a job that stays IN_PROGRESS at 40% for ever. */
export function endlessJob(jobId: string, extra: Partial<ScriptedJob> = {}): ScriptedJob {
  return {
    jobId,
    totalItems: 50,
    createdAtMs: -5_000,
    timeline: [{ atMs: -4_000, status: 'IN_PROGRESS', progressPercentage: 40 }],
    ...extra,
  };
}

/**
 * Moves every job's creation `ms` earlier and keeps its timeline, so a window read at the start
 * of a run contains all of them while they still run.
 */
export function createdEarlier(jobs: ScriptedJob[], ms = 5_000): ScriptedJob[] {
  return jobs.map((job) => ({ ...job, createdAtMs: (job.createdAtMs ?? 0) - ms }));
}

/** What a run of the demo scenario (see demoScenario) ends with, job by job and in total. */
export interface DemoFacts {
  jobIds: string[];
  /** Newest first, as the list endpoint returns them and a window run outputs them. */
  newestFirst: string[];
  failedJobId: string;
  conflictJobId: string;
  /** The job that the conflict objects of the CONFLICT job name. */
  conflictingJobId: string;
  skippedJobId: string;
  failedDocumentIds: Record<string, string[]>;
  skippedDocumentIds: string[];
  totalItems: number;
}

/** Reads the facts of a demo scenario from its scripted jobs: job 5 fails, job 9 conflicts and job 11 skips. */
export function demoFacts(jobs: ScriptedJob[]): DemoFacts {
  const failed = jobs[4]!;
  const conflict = jobs[8]!;
  const skipped = jobs[10]!;
  const jobIds = jobs.map((job) => job.jobId);
  return {
    jobIds,
    newestFirst: [...jobIds].reverse(),
    failedJobId: failed.jobId,
    conflictJobId: conflict.jobId,
    conflictingJobId: jobs[7]!.jobId,
    skippedJobId: skipped.jobId,
    failedDocumentIds: failed.final?.failedItemsDetails ?? {},
    skippedDocumentIds: Object.values(skipped.final?.skippedItemsDetails ?? {}).flat(),
    totalItems: jobs.reduce((sum, job) => sum + job.totalItems, 0),
  };
}

// Outputs

/** The outputs of a run, parsed: JSON outputs as values and counts as numbers. */
export interface ExpectedOutputs {
  result: string;
  jobIds: string[];
  jobsByStatus: Record<string, number>;
  totalItems: number;
  processedItems: number;
  failedItems: number;
  skippedItems: number;
  conflictItems: number;
  failedItemIds: string[];
  /** True when report-path must name a report file in RUNNER_TEMP, false when it must be empty. */
  report: boolean;
  commentUrl: string;
}

let declaredOutputs: Promise<string[]> | undefined;

/** Reads the output names that action.yml declares. */
export function readDeclaredOutputs(): Promise<string[]> {
  declaredOutputs ??= readFile(join(REPO_ROOT, 'action.yml'), 'utf8').then((text) => {
    const manifest = parseYaml(text) as { outputs?: Record<string, unknown> };
    return Object.keys(manifest.outputs ?? {});
  });
  return declaredOutputs;
}

/** Asserts that the run set every declared output, and no other, to the expected values. */
export async function expectOutputs(run: RunActionResult, expected: ExpectedOutputs): Promise<void> {
  expect(Object.keys(run.outputs).sort()).toEqual([...(await readDeclaredOutputs())].sort());

  const outputs = run.outputs;
  const reportPath = outputs['report-path'] ?? '';
  const actual: ExpectedOutputs = {
    result: outputs.result ?? '',
    jobIds: JSON.parse(outputs['job-ids'] ?? 'null'),
    jobsByStatus: JSON.parse(outputs['jobs-by-status'] ?? 'null'),
    totalItems: Number(outputs['total-items']),
    processedItems: Number(outputs['processed-items']),
    failedItems: Number(outputs['failed-items']),
    skippedItems: Number(outputs['skipped-items']),
    conflictItems: Number(outputs['conflict-items']),
    failedItemIds: JSON.parse(outputs['failed-item-ids'] ?? 'null'),
    report: reportPath !== '',
    commentUrl: outputs['comment-url'] ?? '',
  };
  expect(actual).toEqual(expected);

  if (expected.report) {
    expect(reportPath.startsWith(`${run.runnerTemp}/`)).toBe(true);
    JSON.parse(await readFile(reportPath, 'utf8'));
  }
}

/** The outputs of a run that stopped at an invalid input, before any request. */
export const INVALID_INPUT_OUTPUTS: ExpectedOutputs = {
  result: 'failed',
  jobIds: [],
  jobsByStatus: {},
  totalItems: 0,
  processedItems: 0,
  failedItems: 0,
  skippedItems: 0,
  conflictItems: 0,
  failedItemIds: [],
  report: false,
  commentUrl: '',
};

// The JSON report

/** The JSON report of a run, as far as the tests look into it. */
export interface Report {
  result: string;
  reasons: string[];
  notes: string[];
  settings: Record<string, unknown>;
  window: {
    timeFrom: string | null;
    timeTo: string | null;
    status: string | null;
    total: number;
    unread: number;
  } | null;
  totals: Record<string, number>;
  jobsByStatus: Record<string, number>;
  thresholds: Record<string, unknown>[];
  jobIds: string[];
  failedItems: { jobId: string; errorType: string; documentIds: string[] }[];
  jobs: { jobId: string; phase: string; error: string | null; job: Record<string, unknown> | null }[];
}

export async function readReport(run: RunActionResult): Promise<{ text: string; report: Report }> {
  const text = await readFile(run.outputs['report-path'] ?? '', 'utf8');
  return { text, report: JSON.parse(text) as Report };
}

// The log and the step summary

/** Stdout split into lines. */
export function logLines(run: RunActionResult): string[] {
  return run.stdout.split(/\r?\n/);
}

/** Decodes the data of a workflow command, which @actions/core escapes. */
function decodeCommandData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** Returns the decoded messages of the `::error::` commands of a run. The last one is the step's failure message. */
export function errorMessages(run: RunActionResult): string[] {
  return run.commands
    .filter((line) => line.startsWith('::error::'))
    .map((line) => decodeCommandData(line.slice('::error::'.length)));
}

/** Returns the last `::error::` message, which core.setFailed writes. */
export function failureMessage(run: RunActionResult): string {
  const messages = errorMessages(run);
  return messages[messages.length - 1] ?? '';
}

/** The first line of the step summary for each result. */
export const HEADINGS = {
  passed: '## ✅ Marqo jobs passed',
  failed: '## ❌ Marqo jobs failed',
  'timed-out': '## ⏱️ Marqo jobs timed out',
  pending: '## ⏳ Marqo jobs still pending',
  cancelled: '## 🛑 Marqo jobs watch cancelled',
} as const;

export function summaryHeading(run: RunActionResult): string {
  return run.summary.split('\n')[0] ?? '';
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

/**
 * Returns the step summary as GitHub shows its text, with entities decoded and without the
 * zero-width spaces that break mentions. Markdown and HTML tags stay.
 */
export function summaryText(run: RunActionResult): string {
  return run.summary
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&(amp|lt|gt|quot);/g, (_, name: string) => NAMED_ENTITIES[name] ?? '')
    .replace(/\u200b/g, '');
}

// The emulator's request log

/** Requests to the jobs endpoints, in arrival order. */
export function jobRequests(emulator: Emulator): RecordedRequest[] {
  return emulator.requests.filter((request) => request.endpoint !== 'other');
}

/**
 * Milliseconds from the first request to now. Called just after a run, it measures the run from
 * its first request, which unlike the run's duration leaves out the time Node takes to start.
 */
export function msSinceFirstRequest(emulator: Emulator): number {
  const first = emulator.requests[0];
  if (first === undefined) throw new Error('The emulator received no request');
  return Date.now() - emulator.startedAt - first.atMs;
}

/** Returns the maximum pause between two consecutive requests, in ms. */
export function maxGapMs(requests: RecordedRequest[]): number {
  let max = 0;
  for (let i = 1; i < requests.length; i++) {
    max = Math.max(max, requests[i]!.atMs - requests[i - 1]!.atMs);
  }
  return max;
}

/** Fetches a job from the emulator as the API sends it, for comparing with the report. */
export async function fetchJob(emulator: Emulator, jobId: string, indexName = INDEX_NAME): Promise<JobFields> {
  const url = `${emulator.baseUrl}/indexes/${encodeURIComponent(indexName)}/jobs/${encodeURIComponent(jobId)}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${API_KEY}` } });
  if (response.status !== 200) throw new Error(`GET ${url} returned ${response.status}`);
  return (await response.json()) as JobFields;
}
