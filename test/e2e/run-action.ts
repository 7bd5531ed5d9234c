/**
 * Runs the committed action bundle the way the GitHub runner runs a `node24` action: inputs as
 * INPUT_* variables, file commands under RUNNER_TEMP, and SIGINT then SIGTERM on cancellation.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Delay between the SIGINT and the SIGTERM that this harness sends to a cancelled step. */
const CANCEL_ESCALATION_MS = 2_500;
const DEFAULT_TIMEOUT_MS = 60_000;

// Inherited variables that would change the action's behavior: runner context, inputs and proxies.
const REMOVED_ENV = /^(INPUT_|GITHUB_|RUNNER_|ACTIONS_)|^(HTTPS?_PROXY|ALL_PROXY|NO_PROXY)$/i;

export interface RunActionOptions {
  /** Input values by the names in action.yml, e.g. `{ 'api-key': 'demo-key', 'job-id': '...' }`. */
  inputs: Record<string, string>;
  /** Extra environment, applied last, so it can override anything the harness sets. */
  env?: Record<string, string>;
  /** Script to run. Default `<repo>/dist/index.js`. */
  entry?: string;
  /** Sends SIGINT after this many ms, then SIGTERM 2.5 s later if the process still runs. */
  cancelAfterMs?: number;
  /** Sends this signal alone at `cancelAfterMs`, in place of SIGINT then SIGTERM. */
  cancelSignal?: 'SIGTERM';
  /** Sends SIGKILL after this many ms. Default 60 s. */
  timeoutMs?: number;
}

export interface RunActionResult {
  exitCode: number | null;
  signal: string | null;
  /** True when the harness killed the process at `timeoutMs`. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Outputs written to GITHUB_OUTPUT. A repeated name keeps its last value. */
  outputs: Record<string, string>;
  /** Text of the GITHUB_STEP_SUMMARY file. */
  summary: string;
  durationMs: number;
  /** RUNNER_TEMP of the run, which contains every file of the run. The caller may delete it. */
  runnerTemp: string;
  /** Stdout lines that are workflow commands (they start with `::`). */
  commands: string[];
}

interface ActionInput {
  default?: unknown;
}

/** Reads the inputs of action.yml and their defaults. */
export async function readActionInputs(): Promise<Record<string, ActionInput>> {
  const manifest = parseYaml(await readFile(join(REPO_ROOT, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, ActionInput | null>;
  };
  const inputs: Record<string, ActionInput> = {};
  for (const [name, input] of Object.entries(manifest.inputs ?? {})) {
    inputs[name] = input ?? {};
  }
  return inputs;
}

/** Returns the variable name the runner uses for an input: `api-key` becomes `INPUT_API-KEY`. */
export function inputVariableName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export async function runAction(options: RunActionOptions): Promise<RunActionResult> {
  const entry = options.entry ?? join(REPO_ROOT, 'dist', 'index.js');
  try {
    await access(entry);
  } catch {
    throw new Error(`Action entry ${entry} not found. Build the bundle with npm run bundle first.`);
  }

  const runnerTemp = await mkdtemp(join(tmpdir(), 'marqo-action-run-'));
  const fileCommands = join(runnerTemp, '_runner_file_commands');
  const workspace = join(runnerTemp, 'workspace');
  await mkdir(fileCommands);
  await mkdir(workspace);
  const files = {
    GITHUB_OUTPUT: join(fileCommands, `set_output_${randomUUID()}`),
    GITHUB_STEP_SUMMARY: join(fileCommands, `step_summary_${randomUUID()}`),
    GITHUB_ENV: join(fileCommands, `set_env_${randomUUID()}`),
    GITHUB_PATH: join(fileCommands, `add_path_${randomUUID()}`),
    GITHUB_STATE: join(fileCommands, `save_state_${randomUUID()}`),
  };
  await Promise.all(Object.values(files).map((file) => writeFile(file, '')));

  const env = await buildEnvironment(options, { ...files, RUNNER_TEMP: runnerTemp, GITHUB_WORKSPACE: workspace });
  const startedAt = performance.now();
  const child = spawn(process.execPath, [entry], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });

  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));

  const timers: NodeJS.Timeout[] = [];
  let timedOut = false;
  if (options.cancelAfterMs !== undefined) {
    timers.push(
      setTimeout(() => {
        if (options.cancelSignal === 'SIGTERM') {
          child.kill('SIGTERM');
          return;
        }
        child.kill('SIGINT');
        timers.push(setTimeout(() => child.kill('SIGTERM'), CANCEL_ESCALATION_MS));
      }, options.cancelAfterMs),
    );
  }
  timers.push(
    setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  );

  const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: string | null }>(
    (resolvePromise, reject) => {
      child.once('error', reject);
      // 'close' waits for stdout and stderr to end, so no output is lost.
      child.once('close', (code, closeSignal) => resolvePromise({ exitCode: code, signal: closeSignal }));
    },
  ).finally(() => timers.forEach((timer) => clearTimeout(timer)));
  const durationMs = performance.now() - startedAt;

  return {
    exitCode,
    signal,
    timedOut,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(files.GITHUB_OUTPUT, 'utf8')),
    summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
    durationMs,
    runnerTemp,
    commands: stdout.split(/\r?\n/).filter((line) => line.startsWith('::')),
  };
}

async function buildEnvironment(
  options: RunActionOptions,
  files: Record<string, string>,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !REMOVED_ENV.test(name)) {
      env[name] = value;
    }
  }

  Object.assign(env, files, {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKFLOW: 'e2e',
    GITHUB_JOB: 'gate',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTION: 'marqo-jobs',
    GITHUB_REPOSITORY: 'example/catalog',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    RUNNER_OS: 'Linux',
    RUNNER_NAME: 'e2e-runner',
    NO_PROXY: '127.0.0.1,localhost',
  });

  // Like the runner, inputs that the workflow leaves unset get their action.yml default, and
  // inputs that action.yml does not declare are still passed on.
  const declared = await readActionInputs();
  for (const [name, input] of Object.entries(declared)) {
    if (!(name in options.inputs) && input.default !== undefined && input.default !== null) {
      env[inputVariableName(name)] = evaluateDefault(
        typeof input.default === 'string' ? input.default : JSON.stringify(input.default),
      );
    }
  }
  for (const [name, value] of Object.entries(options.inputs)) {
    env[inputVariableName(name)] = value;
  }

  Object.assign(env, options.env ?? {});
  return env;
}

/** The token the harness plays for `${{ github.token }}`, as the runner evaluates that default. */
export const FAKE_GITHUB_TOKEN = 'ghs_e2eFakeTokenForTests0000000000000';

/** Evaluates the expressions that action.yml defaults use, as the runner does before the step starts. */
function evaluateDefault(text: string): string {
  return text.replace(/\$\{\{\s*github\.token\s*\}\}/g, FAKE_GITHUB_TOKEN);
}

/**
 * Parses a GITHUB_OUTPUT file: `name<<DELIMITER` blocks as @actions/core writes them
 * (`name<<ghadelimiter_UUID`, value lines, the delimiter) and one-line `name=value` entries.
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line);
    if (heredoc !== null) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const end = lines.indexOf(delimiter, i + 1);
      if (end === -1) {
        throw new Error(`Invalid GITHUB_OUTPUT: output ${name} has no closing delimiter ${delimiter}`);
      }
      outputs[name] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const equals = line.indexOf('=');
    if (equals > 0) {
      outputs[line.slice(0, equals)] = line.slice(equals + 1);
    } else if (line !== '') {
      throw new Error(`Invalid GITHUB_OUTPUT line ${i + 1}: ${JSON.stringify(line)}`);
    }
  }
  return outputs;
}
