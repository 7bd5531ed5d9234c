/**
 * Shared pieces of the fault, security and soak tests: an emulator per test, a run of the
 * committed bundle against it, and checks that every outcome leaves a complete trace.
 */
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { expect } from 'vitest';
import { startEmulator } from '../emulator/server.ts';
import type { Emulator, EmulatorOptions, RecordedRequest, ScriptedJob } from '../emulator/server.ts';
import { runAction } from './run-action.ts';
import type { RunActionOptions, RunActionResult } from './run-action.ts';

export const API_KEY = 'mq_e2e_5ecret_K3y';
export const INDEX = 'catalog-e2e';

export const OUTPUT_NAMES = [
  'result',
  'job-ids',
  'jobs-by-status',
  'total-items',
  'processed-items',
  'failed-items',
  'skipped-items',
  'conflict-items',
  'failed-item-ids',
  'report-path',
  'comment-url',
] as const;

/** The heading of the step summary for each result. */
export const HEADING = {
  passed: '## ✅ Marqo jobs passed',
  failed: '## ❌ Marqo jobs failed',
  'timed-out': '## ⏱️ Marqo jobs timed out',
  pending: '## ⏳ Marqo jobs still pending',
  cancelled: '## 🛑 Marqo jobs watch cancelled',
} as const;

export const INPUT_ERROR_HEADING = '## ❌ Marqo jobs not checked: invalid input';

/** Emulators and runner directories created by a test file, released by `cleanUp`. */
export class Resources {
  private readonly emulators: Emulator[] = [];
  private readonly directories: string[] = [];

  async emulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const emulator = await startEmulator({ apiKey: API_KEY, indexName: INDEX, ...options });
    this.emulators.push(emulator);
    return emulator;
  }

  async run(inputs: Record<string, string>, options: Omit<RunActionOptions, 'inputs'> = {}): Promise<RunActionResult> {
    const result = await runAction({
      inputs: { 'api-key': API_KEY, 'index-name': INDEX, 'poll-interval': '1s', timeout: '40s', ...inputs },
      timeoutMs: 90_000,
      ...options,
    });
    this.directories.push(result.runnerTemp);
    return result;
  }

  async cleanUp(): Promise<void> {
    await Promise.all(this.emulators.splice(0).map((emulator) => emulator.close()));
    await Promise.all(this.directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
  }
}

/** Builds a job that is in progress from the start and completes at `doneAtMs`. */
export function job(jobId: string, doneAtMs = 0, extra: Partial<ScriptedJob> = {}): ScriptedJob {
  const timeline =
    doneAtMs > 0
      ? [
          { atMs: 0, status: 'IN_PROGRESS' },
          { atMs: doneAtMs, status: 'COMPLETED' },
        ]
      : [{ atMs: 0, status: 'COMPLETED' }];
  return { jobId, totalItems: 20, timeline, ...extra };
}

/** Requests of one endpoint, optionally for one job. */
export function requestsTo(emulator: Emulator, endpoint: 'job' | 'list', jobId?: string): RecordedRequest[] {
  return emulator.requests.filter(
    (request) => request.endpoint === endpoint && (jobId === undefined || request.jobId === jobId),
  );
}

/** Millisecond gaps between consecutive requests. */
export function gaps(requests: RecordedRequest[]): number[] {
  return requests.slice(1).map((request, i) => request.atMs - (requests[i] as RecordedRequest).atMs);
}

/** Retry lines of the client: `Retrying GET <path> in <s> s (attempt <n> of 8): <cause>`. */
export function retryLines(
  result: RunActionResult,
): { line: string; pauseMs: number; attempt: number; cause: string }[] {
  const lines: { line: string; pauseMs: number; attempt: number; cause: string }[] = [];
  for (const line of result.stdout.split('\n')) {
    const match = /^Retrying GET \S+ in (\d+(?:\.\d+)?) s \(attempt (\d+) of \d+\): (.*)$/.exec(line);
    if (match)
      lines.push({ line, pauseMs: Number(match[1]) * 1000, attempt: Number(match[2]), cause: match[3] as string });
  }
  return lines;
}

/** Returns the text of each `::error::` line, decoded from its workflow-command escaping. */
export function errorAnnotations(result: RunActionResult): string[] {
  return result.commands
    .filter((line) => line.startsWith('::error::'))
    .map((line) => line.slice('::error::'.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'));
}

/** Checks that every output is set, the result and the exit code agree, and no stack trace was printed. */
export function expectVerdict(
  result: RunActionResult,
  expected: keyof typeof HEADING,
  heading: string = HEADING[expected],
): void {
  expect(result.timedOut).toBe(false);
  expect(result.outputs.result).toBe(expected);
  for (const name of OUTPUT_NAMES) expect(result.outputs, `output ${name}`).toHaveProperty(name);
  if (expected === 'passed' || expected === 'pending') expect(result.exitCode).toBe(0);
  else expect(result.exitCode).not.toBe(0);
  expect(result.summary.split('\n')[0]).toBe(heading);
  expectNoStackTrace(result);
}

export function expectNoStackTrace(result: RunActionResult): void {
  const trace = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
  expect(result.stdout).not.toMatch(trace);
  expect(result.stderr).not.toMatch(trace);
  expect(result.stderr).toBe('');
}

/** Reads the JSON report the run wrote. */
export async function readReport(result: RunActionResult): Promise<Record<string, unknown>> {
  const path = result.outputs['report-path'];
  expect(path).toBeTruthy();
  return JSON.parse(await readFile(path as string, 'utf8')) as Record<string, unknown>;
}

/** Finds a loopback port on which nothing listens, by binding an ephemeral port and closing it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('The probe server has no TCP address');
  return address.port;
}

/** Returns the cells of the summary's job table row whose job ID cell contains `text`. */
export function jobRow(summary: string, text: string): string[] {
  const row = summary.split('\n').find((line) => line.startsWith('| <code>') && line.includes(text));
  expect(row, `job table row for ${text}`).toBeDefined();
  return (row as string)
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}
