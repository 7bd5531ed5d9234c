/**
 * Benchmarks the committed bundle (dist/index.js) against the emulator on 127.0.0.1 and prints
 * each figure next to its target with a pass or fail mark. See docs/benchmarks.md.
 *
 *   npm run bench                                   every scenario, about 3 to 4 minutes
 *   npm run bench -- --seeds 3 --only standard,startup
 *
 * Scenarios:
 *   standard    50 jobs finishing at random times over 2 minutes, watched by job-id, in real time.
 *               Every seed runs in parallel with its own emulators: one for the action, one for
 *               the baseline, a fixed 5-second loop of one GET per unfinished job.
 *   window      the standard jobs of seed 1 watched as a time window, in parallel with `standard`.
 *   large       a 2,500-job window in which 50 jobs are still active, spread over the window.
 *   failed-ids  one FAILED job listing 1,000,000 failed document IDs.
 *   startup     time to exit on an invalid input, against a bundle that only imports @actions/core.
 *   bundle      @actions/github in a separate chunk that the main path never loads; one undici.
 *
 * `node scripts/bench.ts --baseline` is the baseline loop itself, started as a child process so
 * its requests, time and memory are measured like the action's.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator, ScriptedJob } from '../test/emulator/types.ts';

// The baseline: what a user writes without the action.

const BASELINE_PERIOD_MS = 5000;
const BASELINE_MAX_ROUNDS = 200;
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CONFLICT', 'CANCELLED']);

/**
 * Polls every job with one GET every 5 seconds until each is terminal, then prints `verdict`.
 * A job is no longer requested once it was seen terminal, which makes this baseline cheaper than
 * a loop that requests every job every time.
 */
async function runBaselineLoop(): Promise<void> {
  const baseUrl = requiredEnv('BENCH_BASE_URL');
  const apiKey = requiredEnv('BENCH_API_KEY');
  const indexName = requiredEnv('BENCH_INDEX_NAME');
  const pending = new Set(requiredEnv('BENCH_JOB_IDS').split(','));
  const startedAt = Date.now();

  for (let round = 1; pending.size > 0 && round <= BASELINE_MAX_ROUNDS; round += 1) {
    for (const jobId of [...pending]) {
      const url = `${baseUrl}/indexes/${encodeURIComponent(indexName)}/jobs/${encodeURIComponent(jobId)}`;
      try {
        const response = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } });
        const job = (await response.json()) as { jobStatus?: unknown };
        if (response.ok && TERMINAL.has(String(job.jobStatus).toUpperCase())) pending.delete(jobId);
      } catch {
        // A failed request leaves the job pending, as a shell loop around curl would.
      }
    }
    if (pending.size === 0) break;
    await sleep(Math.max(0, startedAt + round * BASELINE_PERIOD_MS - Date.now()));
  }
  console.log(
    pending.size === 0 ? 'verdict: every job is terminal' : `verdict: gave up with ${pending.size} job(s) pending`,
  );
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is missing: the baseline is started by the benchmark`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// The benchmarks.

interface Options {
  seeds: number;
  only: Set<string> | null;
}

function readOptions(): Options {
  const args = process.argv.slice(2);
  const valueOf = (name: string): string | undefined => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const seeds = Number(valueOf('--seeds') ?? '5');
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 10)
    throw new Error(`--seeds must be a whole number from 1 to 10, got ${valueOf('--seeds')}`);
  const only = valueOf('--only');
  return { seeds, only: only ? new Set(only.split(',')) : null };
}

/** One line of the results table. `pass` is null for a figure without a target. */
interface Row {
  scenario: string;
  metric: string;
  action: string;
  baseline: string;
  target: string;
  pass: boolean | null;
}

async function runBenchmarks(): Promise<void> {
  const options = readOptions();
  const selected = (name: string): boolean => options.only === null || options.only.has(name);
  const { REPO_ROOT } = await import('../test/e2e/run-action.ts');
  const workDir = await mkdtemp(join(tmpdir(), 'marqo-bench-'));
  const rows: Row[] = [];
  const startedAt = Date.now();

  console.log(`Benchmark of ${join(REPO_ROOT, 'dist', 'index.js')} on Node ${process.version}, emulator on 127.0.0.1`);
  try {
    const tools = await prepareTools(workDir);
    if (selected('bundle')) rows.push(...(await benchBundle(tools)));
    const timed: Promise<Row[]>[] = [];
    if (selected('standard')) timed.push(benchStandard(tools, options.seeds));
    if (selected('window')) timed.push(benchWindow(tools));
    for (const result of await Promise.all(timed)) rows.push(...result);
    if (selected('large')) rows.push(...(await benchLargeWindow(tools)));
    if (selected('failed-ids')) rows.push(...(await benchFailedIds(tools)));
    if (selected('startup')) rows.push(...(await benchStartup(tools)));
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }

  printTable(rows);
  const failed = rows.filter((row) => row.pass === false).length;
  console.log(
    `\nFinished in ${((Date.now() - startedAt) / 1000).toFixed(0)} s: ${failed === 0 ? 'every target met' : `${failed} target(s) missed`}`,
  );
  process.exitCode = failed === 0 ? 0 : 1;
}

function printTable(rows: Row[]): void {
  const header: Row = {
    scenario: 'scenario',
    metric: 'metric',
    action: 'action',
    baseline: 'baseline',
    target: 'target',
    pass: null,
  };
  const mark = (pass: boolean | null): string => {
    if (pass === null) return '';
    return pass ? 'PASS' : 'FAIL';
  };
  const cells = (row: Row): string[] => [
    row.scenario,
    row.metric,
    row.action,
    row.baseline,
    row.target,
    mark(row.pass),
  ];
  const table = [cells(header), ...rows.map(cells)];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  console.log('');
  for (const [index, line] of table.entries()) {
    console.log(
      line
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    );
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  }
}

// Child processes.

interface Tools {
  repoRoot: string;
  workDir: string;
  /** An --import module that writes the process's peak RSS in KiB to BENCH_MAXRSS_FILE on exit. */
  maxRssHook: string;
  /** An --import module that appends the URL of every loaded module to BENCH_LOADED_FILE. */
  loadHook: string;
  runId: number;
}

async function prepareTools(workDir: string): Promise<Tools> {
  const { REPO_ROOT } = await import('../test/e2e/run-action.ts');
  const maxRssHook = join(workDir, 'max-rss.mjs');
  await writeFile(
    maxRssHook,
    "import { writeFileSync } from 'node:fs';\n" +
      "process.on('exit', () => writeFileSync(process.env.BENCH_MAXRSS_FILE, String(process.resourceUsage().maxRSS)));\n",
  );
  const loadHook = join(workDir, 'load-log.mjs');
  await writeFile(
    loadHook,
    "import { appendFileSync } from 'node:fs';\nimport { registerHooks } from 'node:module';\n" +
      'registerHooks({ load(url, context, next) { appendFileSync(process.env.BENCH_LOADED_FILE, `${url}\\n`); return next(url, context); } });\n',
  );
  return { repoRoot: REPO_ROOT, workDir, maxRssHook, loadHook, runId: 0 };
}

interface ChildResult {
  exitCode: number | null;
  spawnedAt: number;
  /** When the first stdout line matching `verdictLine` arrived, or null. */
  verdictAt: number | null;
  exitedAt: number;
  /** Peak resident set size in MiB, or null when the hook did not report it. */
  maxRssMiB: number | null;
  /** Modules the process loaded, when `logLoads` was set. */
  loaded: string[];
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summaryBytes: number;
}

interface ChildOptions {
  args: string[];
  env: Record<string, string>;
  verdictLine?: RegExp;
  timeoutMs: number;
  measureMemory?: boolean;
  logLoads?: boolean;
}

async function runChild(tools: Tools, options: ChildOptions): Promise<ChildResult> {
  tools.runId += 1;
  const runDir = join(tools.workDir, `run-${tools.runId}`);
  await mkdir(runDir);
  const files = {
    GITHUB_OUTPUT: join(runDir, 'output'),
    GITHUB_STEP_SUMMARY: join(runDir, 'summary.md'),
    BENCH_MAXRSS_FILE: join(runDir, 'max-rss'),
    BENCH_LOADED_FILE: join(runDir, 'loaded'),
  };
  await writeFile(files.GITHUB_OUTPUT, '');
  await writeFile(files.GITHUB_STEP_SUMMARY, '');
  const imports = [options.measureMemory ? tools.maxRssHook : null, options.logLoads ? tools.loadHook : null].filter(
    (hook) => hook !== null,
  );
  const env = {
    ...options.env,
    ...files,
    RUNNER_TEMP: runDir,
    NODE_OPTIONS: imports.map((hook) => `--import=${hook}`).join(' '),
  };

  const spawnedAt = Date.now();
  const child = spawn(process.execPath, options.args, { cwd: runDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pendingLine = '';
  let verdictAt: number | null = null;
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    if (verdictAt !== null || options.verdictLine === undefined) return;
    const lines = (pendingLine + text).split('\n');
    pendingLine = lines.pop() ?? '';
    if (lines.some((line) => options.verdictLine!.test(line))) verdictAt = Date.now();
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  }).finally(() => clearTimeout(killer));
  const exitedAt = Date.now();

  const { parseOutputFile } = await import('../test/e2e/run-action.ts');
  const maxRss = await readFile(files.BENCH_MAXRSS_FILE, 'utf8').catch(() => '');
  const loaded = await readFile(files.BENCH_LOADED_FILE, 'utf8').catch(() => '');
  return {
    exitCode,
    spawnedAt,
    verdictAt,
    exitedAt,
    // process.resourceUsage().maxRSS is in KiB.
    maxRssMiB: maxRss === '' ? null : Number(maxRss) / 1024,
    loaded: loaded.split('\n').filter((line) => line !== ''),
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(files.GITHUB_OUTPUT, 'utf8')),
    summaryBytes: (await stat(files.GITHUB_STEP_SUMMARY)).size,
  };
}

const API_KEY = 'bench-key';
const INDEX_NAME = 'catalog-bench';

/** Builds the environment the GitHub runner gives a node24 action, with `inputs` over the action.yml defaults. */
async function actionEnv(
  inputs: Record<string, string>,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  const { FAKE_GITHUB_TOKEN, inputVariableName, readActionInputs } = await import('../test/e2e/run-action.ts');
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      value !== undefined &&
      !/^(INPUT_|GITHUB_|RUNNER_|ACTIONS_|NODE_OPTIONS$)|^(HTTPS?_PROXY|ALL_PROXY|NO_PROXY)$/i.test(name)
    )
      env[name] = value;
  }
  for (const [name, input] of Object.entries(await readActionInputs())) {
    if (input.default !== undefined && input.default !== null) {
      env[inputVariableName(name)] = (
        typeof input.default === 'string' ? input.default : JSON.stringify(input.default)
      ).replace(/\$\{\{\s*github\.token\s*\}\}/g, FAKE_GITHUB_TOKEN);
    }
  }
  for (const [name, value] of Object.entries(inputs)) env[inputVariableName(name)] = value;
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKFLOW: 'bench',
    GITHUB_JOB: 'gate',
    GITHUB_RUN_ID: '1',
    GITHUB_REPOSITORY: 'example/catalog',
    GITHUB_EVENT_NAME: 'push',
    NO_PROXY: '127.0.0.1,localhost',
    ...extra,
  });
  return env;
}

/** Runs dist/index.js against the emulator at `baseUrl`; `options.env` is added to the runner's environment. */
async function runActionAgainst(
  tools: Tools,
  baseUrl: string,
  inputs: Record<string, string>,
  options: Partial<ChildOptions> = {},
): Promise<ChildResult> {
  const { env: extra, ...rest } = options;
  const env = await actionEnv({ 'api-key': API_KEY, 'index-name': INDEX_NAME, 'base-url': baseUrl, ...inputs }, extra);
  return runChild(tools, {
    args: [join(tools.repoRoot, 'dist', 'index.js')],
    env,
    verdictLine: /^::group::Verdict/,
    timeoutMs: 5 * 60_000,
    measureMemory: true,
    ...rest,
  });
}

function runBaseline(tools: Tools, baseUrl: string, jobIds: string[]): Promise<ChildResult> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  Object.assign(env, {
    BENCH_BASE_URL: baseUrl,
    BENCH_API_KEY: API_KEY,
    BENCH_INDEX_NAME: INDEX_NAME,
    BENCH_JOB_IDS: jobIds.join(','),
  });
  return runChild(tools, {
    args: [import.meta.filename, '--baseline'],
    env,
    verdictLine: /^verdict/,
    timeoutMs: 5 * 60_000,
    measureMemory: true,
  });
}

// Scenarios.

const STANDARD_JOBS = 50;
const STANDARD_SPAN_MS = 120_000;

/** 50 jobs pushed in the 15 seconds before the watch starts, finishing at random times over 2 minutes. */
async function standardJobs(seed: number): Promise<ScriptedJob[]> {
  const { uniformJobs } = await import('../test/emulator/scenarios.ts');
  return uniformJobs(STANDARD_JOBS, {
    seed,
    createdFromMs: -15_000,
    createdToMs: -1000,
    finishFromMs: 0,
    finishToMs: STANDARD_SPAN_MS,
    idPrefix: `bench-${seed}-`,
  });
}

function lastFinishMs(jobs: ScriptedJob[]): number {
  return Math.max(...jobs.map((job) => job.timeline[job.timeline.length - 1]?.atMs ?? 0));
}

async function startApi(jobs: ScriptedJob[], seed = 1): Promise<Emulator> {
  const { startEmulator } = await import('../test/emulator/server.ts');
  return startEmulator({ apiKey: API_KEY, indexName: INDEX_NAME, jobs, seed });
}

interface TimedRun {
  requests: number;
  listRequests: number;
  jobRequests: number;
  /** From the scripted end of the last job to the verdict, in ms. */
  verdictDelayMs: number | null;
  exitDelayMs: number;
  wallMs: number;
  maxRssMiB: number | null;
  exitCode: number | null;
  result: string;
}

function summarizeRun(run: ChildResult, emulator: Emulator, lastEndMs: number): TimedRun {
  const endAt = emulator.startedAt + lastEndMs;
  return {
    requests: emulator.requests.length,
    listRequests: emulator.requests.filter((request) => request.endpoint === 'list').length,
    jobRequests: emulator.requests.filter((request) => request.endpoint === 'job').length,
    verdictDelayMs: run.verdictAt === null ? null : run.verdictAt - endAt,
    exitDelayMs: run.exitedAt - endAt,
    wallMs: run.exitedAt - run.spawnedAt,
    maxRssMiB: run.maxRssMiB,
    exitCode: run.exitCode,
    result: run.outputs.result ?? '',
  };
}

async function watchWithAction(
  tools: Tools,
  jobs: ScriptedJob[],
  inputs: Record<string, string>,
  seed: number,
): Promise<TimedRun> {
  const emulator = await startApi(jobs, seed);
  try {
    const run = await runActionAgainst(tools, emulator.baseUrl, { timeout: '5m', ...inputs });
    if (run.exitCode !== 0)
      console.log(
        `action run of seed ${seed} exited with ${run.exitCode}:\n${run.stdout.slice(-2000)}${run.stderr.slice(-2000)}`,
      );
    return summarizeRun(run, emulator, lastFinishMs(jobs));
  } finally {
    await emulator.close();
  }
}

/** Runs the baseline loop over `jobIds`, by default every job of `jobs`. */
async function watchWithBaseline(
  tools: Tools,
  jobs: ScriptedJob[],
  seed: number,
  jobIds = jobs.map((job) => job.jobId),
): Promise<TimedRun> {
  const emulator = await startApi(jobs, seed);
  try {
    const run = await runBaseline(tools, emulator.baseUrl, jobIds);
    return summarizeRun(run, emulator, lastFinishMs(jobs));
  } finally {
    await emulator.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function mib(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(0)} MiB`;
}

async function benchStandard(tools: Tools, seedCount: number): Promise<Row[]> {
  const seeds = Array.from({ length: seedCount }, (_, index) => index + 1);
  console.log(
    `standard: ${seedCount} seed(s) in parallel, ${STANDARD_JOBS} jobs ending over ${STANDARD_SPAN_MS / 1000} s, real time (time scale 1)`,
  );
  const runs = await Promise.all(
    seeds.map(async (seed) => {
      // Each side gets its own emulator built from the same seed, so neither receives the other's requests.
      const actionJobs = await standardJobs(seed);
      const baselineJobs = await standardJobs(seed);
      const [action, baseline] = await Promise.all([
        watchWithAction(tools, actionJobs, { 'job-id': actionJobs.map((job) => job.jobId).join(',') }, seed),
        watchWithBaseline(tools, baselineJobs, seed),
      ]);
      return { seed, action, baseline };
    }),
  );

  const scenario = `standard (${seedCount} seeds)`;
  for (const { seed, action, baseline } of runs) {
    console.log(
      `  seed ${seed}: action ${action.requests} requests (${action.listRequests} list, ${action.jobRequests} job), verdict ${formatDelay(action.verdictDelayMs)} after the last job, exit ${formatDelay(action.exitDelayMs)}, result ${action.result}; ` +
        `baseline ${baseline.requests} requests, verdict ${formatDelay(baseline.verdictDelayMs)}`,
    );
  }
  const ratios = runs.map((run) => run.action.requests / run.baseline.requests);
  const actionDelays = runs.map((run) => run.action.verdictDelayMs ?? Number.POSITIVE_INFINITY);
  const baselineDelays = runs.map((run) => run.baseline.verdictDelayMs ?? Number.POSITIVE_INFINITY);
  const passed = runs.every((run) => run.action.result === 'passed');
  return [
    {
      scenario,
      metric: 'requests (median)',
      action: String(median(runs.map((run) => run.action.requests))),
      baseline: String(median(runs.map((run) => run.baseline.requests))),
      target: '<= 20% of baseline, every seed',
      pass: Math.max(...ratios) <= 0.2,
    },
    {
      scenario,
      metric: 'requests / baseline (worst seed)',
      action: `${(Math.max(...ratios) * 100).toFixed(1)}%`,
      baseline: '100%',
      target: '<= 20%',
      pass: Math.max(...ratios) <= 0.2,
    },
    {
      scenario,
      metric: 'verdict delay (median)',
      action: formatDelay(median(actionDelays)),
      baseline: formatDelay(median(baselineDelays)),
      target: '<= 1.00 s',
      pass: median(actionDelays) <= 1000,
    },
    {
      scenario,
      metric: 'verdict delay (max)',
      action: formatDelay(Math.max(...actionDelays)),
      baseline: formatDelay(Math.max(...baselineDelays)),
      target: '',
      pass: null,
    },
    {
      scenario,
      metric: 'exit delay (median)',
      action: formatDelay(median(runs.map((run) => run.action.exitDelayMs))),
      baseline: formatDelay(median(runs.map((run) => run.baseline.exitDelayMs))),
      target: '',
      pass: null,
    },
    {
      scenario,
      metric: 'wall time (median)',
      action: seconds(median(runs.map((run) => run.action.wallMs))),
      baseline: seconds(median(runs.map((run) => run.baseline.wallMs))),
      target: '',
      pass: null,
    },
    {
      scenario,
      metric: 'peak RSS (max)',
      action: mib(Math.max(...runs.map((run) => run.action.maxRssMiB ?? 0))),
      baseline: mib(Math.max(...runs.map((run) => run.baseline.maxRssMiB ?? 0))),
      target: '',
      pass: null,
    },
    {
      scenario,
      metric: 'result',
      action: passed ? 'passed' : 'not passed',
      baseline: '',
      target: 'passed',
      pass: passed,
    },
  ];
}

function formatDelay(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'none';
  return seconds(ms);
}

/** Watches the standard jobs of seed 1 as a time window instead of by ID. */
async function benchWindow(tools: Tools): Promise<Row[]> {
  const jobs = await standardJobs(1);
  const [action, baseline] = await Promise.all([
    watchWithAction(tools, jobs, { 'time-from': '2m' }, 1),
    watchWithBaseline(tools, await standardJobs(1), 1),
  ]);
  const scenario = 'window (seed 1)';
  return [
    {
      scenario,
      metric: 'requests',
      action: `${action.requests} (${action.listRequests} list)`,
      baseline: String(baseline.requests),
      target: '<= 20% of baseline',
      pass: action.requests <= 0.2 * baseline.requests,
    },
    {
      scenario,
      metric: 'verdict delay',
      action: formatDelay(action.verdictDelayMs),
      baseline: formatDelay(baseline.verdictDelayMs),
      target: '',
      pass: null,
    },
    {
      scenario,
      metric: 'peak RSS',
      action: mib(action.maxRssMiB),
      baseline: mib(baseline.maxRssMiB),
      target: '',
      pass: null,
    },
    {
      scenario,
      metric: 'result',
      action: action.result,
      baseline: '',
      target: 'passed',
      pass: action.result === 'passed',
    },
  ];
}

const LARGE_WINDOW_JOBS = 2500;
const LARGE_WINDOW_ACTIVE = 50;
const LARGE_WINDOW_SPAN_MS = 30_000;

/**
 * Watches a window of 2,500 jobs over 20 hours in which every 50th job is still active and ends
 * within 30 seconds. The active jobs span nearly the whole window, so one list page cannot cover them.
 */
async function benchLargeWindow(tools: Tools): Promise<Row[]> {
  const { uniformJobs, createRandom } = await import('../test/emulator/scenarios.ts');
  const random = createRandom(7);
  const jobs = uniformJobs(LARGE_WINDOW_JOBS, {
    seed: 7,
    createdFromMs: -20 * 3_600_000,
    createdToMs: -1000,
    finishFromMs: -1000,
    idPrefix: 'large-',
  });
  const step = LARGE_WINDOW_JOBS / LARGE_WINDOW_ACTIVE;
  const activeIds: string[] = [];
  for (let index = 0; index < LARGE_WINDOW_JOBS; index += step) {
    const job = jobs[index]!;
    const endMs = Math.round(2000 + random.next() * (LARGE_WINDOW_SPAN_MS - 2000));
    job.timeline = [
      { atMs: job.createdAtMs ?? 0, status: 'PENDING' },
      { atMs: -500, status: 'IN_PROGRESS' },
      { atMs: endMs, status: 'COMPLETED' },
    ];
    activeIds.push(job.jobId);
  }
  console.log(
    `large: ${LARGE_WINDOW_JOBS}-job window, ${activeIds.length} jobs active and ending within ${LARGE_WINDOW_SPAN_MS / 1000} s`,
  );
  const [action, baseline] = await Promise.all([
    watchWithAction(tools, jobs, { 'time-from': '21h' }, 7),
    // The baseline is given the IDs of the active jobs only, which a user would have to find first.
    watchWithBaseline(tools, jobs, 7, activeIds),
  ]);
  const scenario = `large window (${LARGE_WINDOW_JOBS} jobs)`;
  return [
    {
      scenario,
      metric: 'requests',
      action: `${action.requests} (${action.listRequests} list)`,
      baseline: String(baseline.requests),
      target: '<= 20% of baseline',
      pass: action.requests <= 0.2 * baseline.requests,
    },
    {
      scenario,
      metric: 'verdict delay',
      action: formatDelay(action.verdictDelayMs),
      baseline: formatDelay(baseline.verdictDelayMs),
      target: '',
      pass: null,
    },
    {
      scenario,
      metric: 'peak RSS',
      action: mib(action.maxRssMiB),
      baseline: mib(baseline.maxRssMiB),
      target: '',
      pass: null,
    },
    {
      scenario,
      metric: 'result',
      action: action.result,
      baseline: '',
      target: 'passed',
      pass: action.result === 'passed',
    },
  ];
}

const FAILED_IDS = 1_000_000;

async function benchFailedIds(tools: Tools): Promise<Row[]> {
  const { failedJobWithIds } = await import('../test/emulator/scenarios.ts');
  const job = failedJobWithIds(FAILED_IDS, {
    jobId: 'million-failed',
    documentId: (index) => `sku-${String(index).padStart(7, '0')}`,
  });
  const emulator = await startApi([job]);
  try {
    // One GET first, so the emulator has serialized the 1,000,000 IDs before the action is timed.
    const warm = await fetch(`${emulator.baseUrl}/indexes/${INDEX_NAME}/jobs/million-failed`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    const bodyBytes = (await warm.arrayBuffer()).byteLength;
    const run = await runActionAgainst(tools, emulator.baseUrl, { 'job-id': 'million-failed' });
    const wallMs = run.exitedAt - run.spawnedAt;
    const ids = JSON.parse(run.outputs['failed-item-ids'] ?? '[]') as string[];
    const scenario = `failed-ids (${(bodyBytes / 1024 / 1024).toFixed(0)} MiB body)`;
    console.log(
      `failed-ids: result ${run.outputs.result}, exit ${run.exitCode}, ${run.outputs['failed-items']} failed items, summary ${run.summaryBytes} bytes`,
    );
    return [
      {
        scenario,
        metric: 'wall time to exit',
        action: seconds(wallMs),
        baseline: '',
        target: '< 3.00 s',
        pass: wallMs < 3000,
      },
      {
        scenario,
        metric: 'peak RSS',
        action: mib(run.maxRssMiB),
        baseline: '',
        target: '< 300 MiB',
        pass: run.maxRssMiB !== null && run.maxRssMiB < 300,
      },
      {
        scenario,
        metric: 'step summary size',
        action: `${(run.summaryBytes / 1024).toFixed(0)} KiB`,
        baseline: '',
        target: '< 1024 KiB',
        pass: run.summaryBytes > 0 && run.summaryBytes < 1024 * 1024,
      },
      {
        scenario,
        metric: 'failed-item-ids',
        action: `${ids.length} IDs`,
        baseline: '',
        target: '1000',
        pass: ids.length === 1000,
      },
      {
        scenario,
        metric: 'verdict',
        action: `${run.outputs.result}, failed-items ${run.outputs['failed-items']}`,
        baseline: '',
        target: `failed, ${FAILED_IDS}`,
        pass: run.outputs.result === 'failed' && run.outputs['failed-items'] === String(FAILED_IDS),
      },
    ];
  } finally {
    await emulator.close();
  }
}

const STARTUP_RUNS = 41;

/** Builds, with ncc, a bundle that only imports @actions/core and fails on its input, as a floor for start-up time. */
async function buildReferenceBundle(tools: Tools): Promise<string> {
  const source = join(tools.workDir, 'reference');
  await mkdir(source);
  // The entry resolves @actions/core from the repository's node_modules through this link.
  await symlink(join(tools.repoRoot, 'node_modules'), join(source, 'node_modules'), 'dir');
  await writeFile(join(source, 'package.json'), '{"type": "module"}\n');
  await writeFile(
    join(source, 'index.js'),
    "import * as core from '@actions/core';\n" +
      "const timeout = core.getInput('timeout');\n" +
      'core.setFailed(`Invalid timeout ${JSON.stringify(timeout)}: expected a duration such as 90s, 45m or 2h`);\n',
  );
  const out = join(tools.workDir, 'reference-dist');
  const ncc = join(tools.repoRoot, 'node_modules', '.bin', 'ncc');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(ncc, ['build', join(source, 'index.js'), '-o', out, '--target', 'es2022', '--quiet'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`ncc failed to build the reference bundle (exit code ${code})`);
  return join(out, 'index.js');
}

async function benchStartup(tools: Tools): Promise<Row[]> {
  const reference = await buildReferenceBundle(tools);
  const env = await actionEnv({ 'api-key': API_KEY, 'index-name': INDEX_NAME, timeout: 'soon' });
  const ours = join(tools.repoRoot, 'dist', 'index.js');
  const timings = {
    ours: [] as number[],
    reference: [] as number[],
    oursFirstLine: [] as number[],
    referenceFirstLine: [] as number[],
  };
  // Alternating runs share the machine's load alike.
  for (let run = 0; run < STARTUP_RUNS; run += 1) {
    for (const [name, entry] of [
      ['ours', ours],
      ['reference', reference],
    ] as const) {
      const result = await runChild(tools, { args: [entry], env, verdictLine: /./, timeoutMs: 30_000 });
      if (result.exitCode !== 1)
        throw new Error(
          `${entry} should exit with 1 on an invalid input, got ${result.exitCode}:\n${result.stdout}${result.stderr}`,
        );
      timings[name].push(result.exitedAt - result.spawnedAt);
      timings[name === 'ours' ? 'oursFirstLine' : 'referenceFirstLine'].push(
        (result.verdictAt ?? result.exitedAt) - result.spawnedAt,
      );
    }
  }
  const oursMedian = median(timings.ours);
  const referenceMedian = median(timings.reference);
  const slower = oursMedian / referenceMedian - 1;
  const scenario = `startup (${STARTUP_RUNS} runs each)`;
  return [
    {
      scenario,
      metric: 'time to exit, invalid input (median)',
      action: `${oursMedian.toFixed(0)} ms`,
      baseline: `${referenceMedian.toFixed(0)} ms (@actions/core only)`,
      target: '<= 10% slower',
      pass: slower <= 0.1,
    },
    {
      scenario,
      metric: 'slower than the reference',
      action: `${(slower * 100).toFixed(1)}%`,
      baseline: '',
      target: '<= 10%',
      pass: slower <= 0.1,
    },
    {
      scenario,
      metric: 'time to first output line (median)',
      action: `${median(timings.oursFirstLine).toFixed(0)} ms`,
      baseline: `${median(timings.referenceFirstLine).toFixed(0)} ms`,
      target: '',
      pass: null,
    },
  ];
}

/** Checks dist/: @actions/github sits in a chunk the main path never loads, and undici is bundled once. */
async function benchBundle(tools: Tools): Promise<Row[]> {
  const dist = join(tools.repoRoot, 'dist');
  const files = (await readdir(dist)).filter((name) => name.endsWith('.js'));
  const texts = new Map<string, string>();
  for (const name of files) texts.set(name, await readFile(join(dist, name), 'utf8'));
  // Every undici copy (5.x and 6.x alike) registers its global dispatcher under this symbol name.
  const undiciCopies = [...texts.values()].reduce(
    (sum, text) => sum + text.split("Symbol.for('undici.globalDispatcher.1')").length - 1,
    0,
  );
  const githubChunks = files.filter((name) => name !== 'index.js' && texts.get(name)!.includes('getOctokit'));
  const mainHasGithub = texts.get('index.js')?.includes('getOctokit') ?? true;

  const { startEmulator } = await import('../test/emulator/server.ts');
  const emulator = await startEmulator({
    apiKey: API_KEY,
    indexName: INDEX_NAME,
    jobs: [{ jobId: 'done', totalItems: 10, timeline: [{ atMs: -1000, status: 'COMPLETED' }] }],
  });
  try {
    // The push event has no pull request, so comment-on-pr loads @actions/github and sends nothing;
    // the GitHub API URL points at the emulator all the same.
    const loopback = { GITHUB_API_URL: emulator.origin, GITHUB_SERVER_URL: emulator.origin };
    const plain = await runActionAgainst(
      tools,
      emulator.baseUrl,
      { 'job-id': 'done' },
      { logLoads: true, env: loopback },
    );
    const commenting = await runActionAgainst(
      tools,
      emulator.baseUrl,
      { 'job-id': 'done', 'comment-on-pr': 'true' },
      { logLoads: true, env: loopback },
    );
    const chunksOf = (run: ChildResult): string[] =>
      run.loaded
        .filter((url) => url.includes('/dist/') && !url.endsWith('/dist/index.js'))
        .map((url) => url.slice(url.lastIndexOf('/') + 1));
    const plainChunks = chunksOf(plain);
    const commentChunks = chunksOf(commenting);
    const githubLoaded = githubChunks.every((name) => commentChunks.includes(name));
    const scenario = 'bundle';
    return [
      {
        scenario,
        metric: 'undici copies in dist/',
        action: String(undiciCopies),
        baseline: '',
        target: '1',
        pass: undiciCopies === 1,
      },
      {
        scenario,
        metric: 'pull-request comment chunks',
        action: githubChunks.length > 0 ? githubChunks.join(', ') : 'none found',
        baseline: '',
        target: 'separate chunk, not in index.js',
        pass: githubChunks.length > 0 && !mainHasGithub,
      },
      {
        scenario,
        metric: 'chunks loaded, comment-on-pr false',
        action: plainChunks.length > 0 ? plainChunks.join(', ') : 'none',
        baseline: '',
        target: 'none',
        pass: plain.outputs.result === 'passed' && plainChunks.length === 0,
      },
      {
        scenario,
        metric: 'chunks loaded, comment-on-pr true',
        action: commentChunks.length > 0 ? commentChunks.join(', ') : 'none',
        baseline: '',
        target: 'the @actions/github chunk',
        pass: commenting.outputs.result === 'passed' && githubChunks.length > 0 && githubLoaded,
      },
    ];
  } finally {
    await emulator.close();
  }
}

// Runs last, so every constant above is initialized.
if (process.argv.includes('--baseline')) {
  await runBaselineLoop();
} else {
  await runBenchmarks();
}
