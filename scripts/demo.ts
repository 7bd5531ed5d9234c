/**
 * Plays a catalog deploy on the bundled emulator and runs the committed dist/index.js against it
 * the way the GitHub runner does, then prints the step summary and the outputs.
 *
 *   npm run demo
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputVariableName, parseOutputFile, readActionInputs, REPO_ROOT } from '../test/e2e/run-action.ts';
import { demoScenario } from '../test/emulator/scenarios.ts';
import { startEmulator } from '../test/emulator/server.ts';

const API_KEY = 'demo-key';
const INDEX_NAME = 'catalog-demo';

function banner(title: string): void {
  console.log(process.stdout.isTTY ? `\n\x1b[1m=== ${title} ===\x1b[0m\n` : `\n=== ${title} ===\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const jobs = demoScenario();
const emulator = await startEmulator({ apiKey: API_KEY, indexName: INDEX_NAME, jobs });

try {
  banner(`Deploy: pushing ${jobs.length} batches to the emulator at ${emulator.baseUrl}`);
  // The deploy step of a workflow pushes batches one after another and collects the job IDs.
  const ordered = [...jobs].sort((a, b) => (a.createdAtMs ?? 0) - (b.createdAtMs ?? 0));
  const jobIds: string[] = [];
  for (const [index, job] of ordered.entries()) {
    const wait = emulator.startedAt + (job.createdAtMs ?? 0) - Date.now();
    if (wait > 0) await sleep(wait);
    jobIds.push(job.jobId);
    console.log(`batch ${String(index + 1).padStart(2)}: ${job.totalItems} documents -> {"jobId": "${job.jobId}"}`);
  }

  banner('Action log (dist/index.js, as the runner starts it)');
  const runnerTemp = await mkdtemp(join(tmpdir(), 'marqo-demo-'));
  const outputFile = join(runnerTemp, 'github_output');
  const summaryFile = join(runnerTemp, 'step_summary.md');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');

  const inputs: Record<string, string> = {
    'api-key': API_KEY,
    'index-name': INDEX_NAME,
    'job-id': jobIds.join('\n'),
    'base-url': emulator.baseUrl,
    'poll-interval': '5s',
    timeout: '5m',
  };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(INPUT_|GITHUB_|RUNNER_)/.test(name)) env[name] = value;
  }
  for (const [name, input] of Object.entries(await readActionInputs())) {
    if (typeof input.default === 'string' && !input.default.includes('${{'))
      env[inputVariableName(name)] = input.default;
  }
  for (const [name, value] of Object.entries(inputs)) env[inputVariableName(name)] = value;
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKFLOW: 'catalog-deploy',
    GITHUB_JOB: 'gate',
    GITHUB_EVENT_NAME: 'push',
    NO_PROXY: '127.0.0.1,localhost',
  });

  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'index.js')], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

  banner('Step summary (GITHUB_STEP_SUMMARY)');
  console.log(await readFile(summaryFile, 'utf8'));

  banner('Outputs (GITHUB_OUTPUT)');
  for (const [name, value] of Object.entries(parseOutputFile(await readFile(outputFile, 'utf8')))) {
    console.log(`${name}: ${value.length > 300 ? `${value.slice(0, 300)}…` : value}`);
  }

  banner(`Exit code ${exitCode}`);
  console.log(
    exitCode === 0
      ? 'The step passed.'
      : 'The step failed, as it should here: one job failed some items and one hit a version conflict, and both limits are 0.',
  );
  console.log(`The JSON report and these files are in ${runnerTemp}`);
} finally {
  await emulator.close();
}
