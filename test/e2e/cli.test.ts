/**
 * End-to-end tests of the marqo-ecom-jobs command line: the committed dist/cli/index.js run as a
 * child process against the emulator on 127.0.0.1, with the API key in MARQO_API_KEY.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/server.ts';
import { failedJobWithIds } from '../emulator/scenarios.ts';
import { API_KEY, INDEX_NAME, cleanUp, endlessJob, finishedJob, jobEndingAt, startApi } from './fixtures.ts';
import { REPO_ROOT, readActionInputs } from './run-action.ts';

const CLI = join(REPO_ROOT, 'dist', 'cli', 'index.js');
const RUN_TIMEOUT_MS = 20_000;

// The inputs that make sense only inside a workflow: the key comes from MARQO_API_KEY, and the
// command line has no step summary or pull request.
const ACTION_ONLY_INPUTS = ['api-key', 'summary', 'comment-on-pr', 'github-token'];
const CLI_ONLY_FLAGS = ['report', 'no-wait', 'help', 'version'];

interface CliRun {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

interface CliOptions {
  /** Default API_KEY; null leaves MARQO_API_KEY unset. */
  apiKey?: string | null;
  stdin?: string;
  /** Sends SIGINT once standard error contains this text. */
  interruptWhen?: string;
}

/** Runs the CLI with a clean environment, so no proxy or inherited variable changes its behavior. */
async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', NO_PROXY: '127.0.0.1' };
  const apiKey = options.apiKey === undefined ? API_KEY : options.apiKey;
  if (apiKey !== null) env.MARQO_API_KEY = apiKey;

  const startedAt = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    if (options.interruptWhen !== undefined && !interrupted && stderr.includes(options.interruptWhen)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  child.stdin.end(options.stdin ?? '');

  const killer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: string | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, closeSignal) => resolve({ exitCode: code, signal: closeSignal }));
    },
  ).finally(() => clearTimeout(killer));
  return { exitCode, signal, stdout, stderr, durationMs: performance.now() - startedAt };
}

/** Returns the flags that point a run at `emulator`, with 1 s polls so waits stay short. */
function target(emulator: Emulator): string[] {
  return ['--index-name', INDEX_NAME, '--base-url', emulator.baseUrl, '--poll-interval', '1s'];
}

const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'marqo-cli-e2e-'));
  tempDirs.push(dir);
  return dir;
}

afterEach(cleanUp);
afterAll(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('cli run', () => {
  it('passes with exit 0 and a summary', async () => {
    const api = await startApi({ jobs: [finishedJob('job-a'), finishedJob('job-b'), jobEndingAt('job-c', 1_500)] });

    const run = await runCli([...target(api), '--job-id', 'job-a,job-b job-c']);

    expect(run.stderr).not.toContain('error:');
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^Marqo jobs PASSED: index catalog-demo, 3 job\(s\), watched for /);
    expect(run.stdout).toContain('Items: 150 total, 150 processed, 0 failed, 0 in conflict, 0 skipped');
    expect(run.stdout).toContain('Jobs: 3 COMPLETED');
    for (const jobId of ['job-a', 'job-b', 'job-c'])
      expect(run.stdout).toMatch(new RegExp(`^${jobId} +COMPLETED +50/50 `, 'm'));
    // The log goes to standard error, so standard output stays a clean summary for files and pipes.
    expect(run.stdout).not.toMatch(/^\d\d:\d\d:\d\d /m);
    expect(run.stderr).toContain(`Index "${INDEX_NAME}" at ${api.baseUrl}: 3 job ID(s)`);
    expect(run.stderr).toContain('result=passed failed-items=0 conflict-items=0 skipped-items=0');
    expect(api.requests.length).toBeGreaterThan(0);
    for (const request of api.requests) expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('fails a gate with exit 1 and every reason', async () => {
    const conflict = finishedJob('job-conflict', 'CONFLICT', { final: { conflictItems: 3 } });
    const api = await startApi({
      jobs: [failedJobWithIds(12, { jobId: 'job-failed', totalItems: 40 }), conflict, finishedJob('job-ok')],
    });

    const run = await runCli([...target(api), '--job-id', 'job-failed,job-conflict,job-ok']);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^Marqo jobs FAILED: index catalog-demo, 3 job\(s\)/);
    expect(run.stdout).toContain('  - failedItems 12 > --max-failed-items 0');
    expect(run.stdout).toContain('  - conflictItems 3 > --max-conflict-items 0');
    expect(run.stdout).toContain('Items: 140 total, 125 processed, 12 failed, 3 in conflict, 0 skipped');
    expect(run.stdout).toContain('invalid_field_value: sku-0, sku-1, sku-2');
    expect(run.stderr).toMatch(/error: Marqo jobs failed: 2 reasons/);
  });

  it('passes when the limits allow the failures', async () => {
    const conflict = finishedJob('job-conflict', 'CONFLICT', { final: { conflictItems: 3 } });
    const api = await startApi({ jobs: [failedJobWithIds(12, { jobId: 'job-failed', totalItems: 40 }), conflict] });

    const run = await runCli([
      ...target(api),
      '--job-id',
      'job-failed,job-conflict',
      '--max-failed-items',
      '30%',
      '--max-conflict-items',
      '3',
    ]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^Marqo jobs PASSED/);
  });

  it('fails on a status in --fail-on-status', async () => {
    const api = await startApi({ jobs: [failedJobWithIds(2, { jobId: 'job-failed', totalItems: 50 })] });

    const run = await runCli([
      ...target(api),
      '--job-id',
      'job-failed',
      '--max-failed-items',
      '10',
      '--fail-on-status',
      'FAILED,CANCELLED',
    ]);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('1 job ended FAILED, which --fail-on-status lists: job-failed');
  });

  it('times out with exit 1', async () => {
    const api = await startApi({ jobs: [endlessJob('job-stuck')] });

    const run = await runCli([...target(api), '--job-id', 'job-stuck', '--timeout', '2s']);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^Marqo jobs TIMED OUT/);
    expect(run.stdout).toContain('1 job still active when the timeout of 2 s passed: job-stuck (IN_PROGRESS)');
    expect(run.durationMs).toBeLessThan(15_000);
  });

  it('exits 0 on a pending snapshot with --no-wait', async () => {
    const api = await startApi({ jobs: [endlessJob('job-running')] });

    const run = await runCli([...target(api), '--job-id', 'job-running', '--no-wait']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^Marqo jobs PENDING/);
    expect(run.stdout).toContain('note: 1 job still active (wait is false): job-running');
  });

  it('fails an empty window with --fail-if-no-jobs', async () => {
    const api = await startApi({ jobs: [] });

    const run = await runCli([...target(api), '--time-from', '1h', '--fail-if-no-jobs', 'true']);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('fail-if-no-jobs is true');
    const list = api.requests.find((request) => request.endpoint === 'list');
    expect(list?.query.timeFrom).toBeDefined();
  });

  it('stops on SIGINT with exit 1', async () => {
    const api = await startApi({ jobs: [endlessJob('job-stuck')] });

    const run = await runCli([...target(api), '--job-id', 'job-stuck', '--timeout', '1m'], {
      interruptWhen: 'Thresholds:',
    });

    expect(run.signal).toBeNull();
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^Marqo jobs CANCELLED/);
    expect(run.durationMs).toBeLessThan(10_000);
  });
});

describe('cli input', () => {
  it('reads job IDs from stdin with --job-id -', async () => {
    const api = await startApi({ jobs: [finishedJob('job-a'), finishedJob('job-b')] });
    // What a shell loop of documents calls collects: one response body per line.
    const bodies = '{"jobId": "job-a"}\n{"jobId": "job-b"}\n';

    const run = await runCli([...target(api), '--job-id', '-'], { stdin: bodies });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^Marqo jobs PASSED: index catalog-demo, 2 job\(s\)/);
    const asked = new Set(api.requests.flatMap((request) => (request.jobId === undefined ? [] : [request.jobId])));
    expect(asked).toEqual(new Set(['job-a', 'job-b']));
  });

  it('reads plain IDs from stdin', async () => {
    const api = await startApi({ jobs: [finishedJob('job-a'), finishedJob('job-b')] });

    const run = await runCli([...target(api), '--job-id', '-'], { stdin: 'job-a\njob-b\n' });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('2 job(s)');
  });

  it('prints the version', async () => {
    const packageJson = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

    const run = await runCli(['--version']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`marqo-ecom-jobs ${packageJson.version}\n`);
  });

  it('adds up repeated --job-id flags', async () => {
    const api = await startApi({ jobs: [finishedJob('job-a'), finishedJob('job-b')] });

    const run = await runCli([...target(api), '--job-id', 'job-a', '--job-id', 'job-b']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('2 job(s)');
  });

  it('rejects empty stdin for --job-id -', async () => {
    const api = await startApi({ jobs: [finishedJob('job-a')] });

    const run = await runCli([...target(api), '--job-id', '-'], { stdin: '' });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--job-id is empty');
    expect(api.requests).toHaveLength(0);
  });

  const badUsage: { case: string; args: string[]; apiKey?: null; names: string[] }[] = [
    { case: 'unknown flag', args: ['--bogus', 'x'], names: ['--bogus', '--help'] },
    { case: 'duration without unit', args: ['--timeout', '600'], names: ['--timeout', '"600"', '600s'] },
    { case: 'invalid threshold', args: ['--max-failed-items', 'many'], names: ['--max-failed-items', '"many"'] },
    { case: 'missing MARQO_API_KEY', args: [], apiKey: null, names: ['MARQO_API_KEY'] },
    {
      case: 'job-id with time-from',
      args: ['--job-id', 'job-a', '--time-from', '1h'],
      names: ['--job-id', '--time-from'],
    },
    { case: 'positional argument', args: ['job-a'], names: ["'job-a'"] },
    { case: 'flag without value', args: ['--job-id'], names: ['--job-id'] },
    { case: 'empty job-id', args: ['--job-id', ''], names: ['--job-id'] },
    { case: 'quoted job ID', args: ['--job-id', '"job-a"'], names: ['--job-id', 'quotes'] },
  ];

  for (const entry of badUsage) {
    it(`rejects ${entry.case} with exit 2`, async () => {
      const api = await startApi({ jobs: [finishedJob('job-a')] });
      const args = [...target(api), ...entry.args];
      const options: CliOptions = entry.apiKey === null ? { apiKey: null } : {};

      const run = await runCli(args, options);

      expect(run.exitCode).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^marqo-ecom-jobs: /);
      for (const name of entry.names) expect(run.stderr).toContain(name);
      expect(api.requests).toEqual([]);
    });
  }
});

/** Splits the help into one entry per flag: the flag's line and its continuation lines. */
function helpEntries(help: string): Map<string, string> {
  const entries = new Map<string, string>();
  let current: string | null = null;
  for (const line of help.split('\n')) {
    const flag = /^ {2}(?:-\w, )?--([a-z-]+)/.exec(line);
    if (flag !== null) {
      current = flag[1] as string;
      entries.set(current, line);
    } else if (current !== null && /^ {20,}\S/.test(line)) {
      entries.set(current, `${entries.get(current)}\n${line}`);
    } else {
      current = null;
    }
  }
  return entries;
}

describe('cli help', () => {
  it('documents every flag with unit and default', async () => {
    const run = await runCli(['--help'], { apiKey: null });
    const inputs = await readActionInputs();
    const flagInputs = Object.keys(inputs).filter((name) => !ACTION_ONLY_INPUTS.includes(name));
    const entries = helpEntries(run.stdout);

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect([...entries.keys()].sort()).toEqual([...flagInputs, ...CLI_ONLY_FLAGS].sort());
    for (const name of flagInputs) {
      const entry = entries.get(name) ?? '';
      // Each input flag shows what value it takes, such as DURATION, N|P% or true|false.
      expect(entry, name).toMatch(new RegExp(`--${name} (?:[A-Z]+|N\\|P%|true\\|false)\\s`));
      expect(entry, name).toMatch(/\(required\)|default: /);
      const declared = inputs[name]?.default;
      if (typeof declared === 'string' && declared !== '') expect(entry, name).toContain(`default: ${declared})`);
    }
    for (const name of ['timeout', 'poll-interval']) expect(entries.get(name)).toContain(`--${name} DURATION`);
    for (const name of ['max-failed-items', 'max-conflict-items', 'max-skipped-items'])
      expect(entries.get(name)).toContain(`--${name} N|P%`);
    expect(run.stdout).toContain('Durations are a number with a unit: ms, s, m, h or d');
    expect(run.stdout).toContain('MARQO_API_KEY');
  });

  it('accepts every flag it lists', async () => {
    const api = await startApi({ jobs: [finishedJob('job-a')] });
    const dir = await tempDir();
    const args = [
      ...[
        '--index-name',
        INDEX_NAME,
        '--base-url',
        api.baseUrl,
        '--time-from',
        '1h',
        '--time-to',
        '1s',
        '--status',
        'COMPLETED',
      ],
      ...['--wait', 'true', '--no-wait', '--timeout', '30s', '--poll-interval', '1s'],
      ...['--max-failed-items', '0', '--max-conflict-items', '0%', '--max-skipped-items', '1'],
      ...['--fail-on-status', 'CANCELLED', '--fail-if-no-jobs', 'true', '--report', join(dir, 'report.json')],
    ];
    const help = helpEntries((await runCli(['--help'], { apiKey: null })).stdout);

    const run = await runCli(args);

    for (const name of help.keys()) {
      if (name !== 'help' && name !== 'version' && name !== 'job-id') expect(args, name).toContain(`--${name}`);
    }
    expect(run.stderr).not.toContain('marqo-ecom-jobs:');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^Marqo jobs PASSED: index catalog-demo, 1 job\(s\)/);
    const list = api.requests.find((request) => request.endpoint === 'list');
    expect(list?.query.status).toBe('COMPLETED');
  });
});

describe('cli report and key', () => {
  it('writes a JSON report without the key', async () => {
    const api = await startApi({
      jobs: [failedJobWithIds(30, { jobId: 'job-failed', totalItems: 50 }), finishedJob('job-ok')],
    });
    const file = join(await tempDir(), 'report.json');

    const run = await runCli([...target(api), '--job-id', 'job-failed,job-ok', '--report', file]);
    const text = await readFile(file, 'utf8');
    const report = JSON.parse(text) as {
      result: string;
      reasons: string[];
      settings: Record<string, unknown>;
      jobIds: string[];
      failedItems: { jobId: string; errorType: string; documentIds: string[] }[];
      jobs: { jobId: string }[];
    };

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`Report written to ${file}`);
    expect(report.result).toBe('failed');
    expect(report.reasons).toContain('failedItems 30 > max-failed-items 0');
    expect(report.jobIds).toEqual(['job-failed', 'job-ok']);
    expect(report.failedItems).toHaveLength(1);
    expect(report.failedItems[0]?.jobId).toBe('job-failed');
    expect(report.failedItems[0]?.errorType).toBe('invalid_field_value');
    expect(report.failedItems[0]?.documentIds).toEqual(Array.from({ length: 30 }, (_, i) => `sku-${i}`));
    expect(report.jobs.map((job) => job.jobId)).toEqual(['job-failed', 'job-ok']);
    expect(report.settings.indexName).toBe(INDEX_NAME);
    expect(report.settings).not.toHaveProperty('apiKey');
    expect(text).not.toContain(API_KEY);
  });

  it('fails when the report cannot be written', async () => {
    const api = await startApi({ jobs: [finishedJob('job-a')] });
    const file = join(await tempDir(), 'missing-dir', 'report.json');

    const run = await runCli([...target(api), '--job-id', 'job-a', '--report', file]);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^Marqo jobs PASSED/);
    expect(run.stderr).toContain(`error: Failed to write the report to ${file}: ENOENT`);
    expect(run.stderr).not.toContain('unexpected error');
  });

  it('keeps the key out of every output', async () => {
    // A proxy or a buggy service can echo the key in job data, and it must not reach the terminal.
    const leaky = failedJobWithIds(3, {
      jobId: 'job-leaky',
      documentId: (i) => `sku-${i}-${API_KEY}`,
      errorType: `rejected ${API_KEY}`,
    });
    leaky.final = { ...leaky.final, errorMessage: `request with Bearer ${API_KEY} failed` };
    const api = await startApi({ jobs: [leaky] });
    api.addFault({
      endpoint: 'job',
      times: 1,
      fault: { kind: 'status', status: 503, body: `upstream saw ${API_KEY}` },
    });
    const file = join(await tempDir(), 'report.json');

    const run = await runCli([...target(api), '--job-id', 'job-leaky', '--report', file]);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('rejected ***: sku-0-***, sku-1-***, sku-2-***');
    expect(run.stderr).toContain('status 503 (upstream saw ***)');
    expect(run.stdout).not.toContain(API_KEY);
    expect(run.stderr).not.toContain(API_KEY);
    expect(await readFile(file, 'utf8')).not.toContain(API_KEY);
  });

  it('keeps the key out of usage errors', async () => {
    const api = await startApi({ jobs: [finishedJob('job-a')] });
    const withCredentials = api.baseUrl.replace('http://', `http://user:${API_KEY}@`);

    const run = await runCli(['--index-name', INDEX_NAME, '--job-id', 'job-a', '--base-url', withCredentials]);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--base-url');
    expect(run.stderr).not.toContain(API_KEY);
    expect(api.requests).toEqual([]);
  });
});
