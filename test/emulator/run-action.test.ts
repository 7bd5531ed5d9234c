import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputVariableName, parseOutputFile, runAction } from '../e2e/run-action.ts';
import type { RunActionResult } from '../e2e/run-action.ts';

// A stand-in for dist/index.js: it echoes what it received as outputs, in the heredoc form that
// @actions/core writes, and handles signals as ENTRY_MODE selects.
const ENTRY_SCRIPT = String.raw`
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

const setOutput = (name, value) => {
  const delimiter = 'ghadelimiter_' + randomUUID();
  appendFileSync(process.env.GITHUB_OUTPUT, name + '<<' + delimiter + '\n' + value + '\n' + delimiter + '\n');
};
const keepAlive = () => setInterval(() => {}, 1000);

console.log('::notice::entry started');
for (const name of ['API-KEY', 'INDEX-NAME', 'JOB-ID', 'WAIT', 'TIMEOUT', 'BASE-URL', 'UNDECLARED']) {
  setOutput('input-' + name.toLowerCase(), process.env['INPUT_' + name] ?? '<unset>');
}
setOutput('env', JSON.stringify({
  GITHUB_ACTIONS: process.env.GITHUB_ACTIONS,
  CI: process.env.CI,
  GITHUB_EVENT_NAME: process.env.GITHUB_EVENT_NAME,
  NO_PROXY: process.env.NO_PROXY,
  HTTPS_PROXY: process.env.HTTPS_PROXY ?? null,
  INPUT_STRAY: process.env.INPUT_STRAY ?? null,
  GITHUB_TOKEN: process.env.GITHUB_TOKEN ?? null,
  RUNNER_TEMP: process.env.RUNNER_TEMP,
  node: process.version,
}));
setOutput('multi-line', 'line one\nline two');
appendFileSync(process.env.GITHUB_STEP_SUMMARY, '## Jobs\n\nAll 3 jobs completed.\n');

const mode = process.env.ENTRY_MODE ?? 'finish';
if (mode === 'finish') {
  setOutput('result', 'passed');
} else if (mode === 'stop-on-sigint') {
  process.on('SIGINT', () => {
    setOutput('result', 'cancelled');
    console.log('::warning::cancelled by SIGINT');
    process.exit(1);
  });
  keepAlive();
} else if (mode === 'stop-on-sigterm') {
  process.on('SIGINT', () => console.log('ignoring SIGINT'));
  process.on('SIGTERM', () => {
    setOutput('result', 'terminated');
    process.exit(143);
  });
  keepAlive();
} else {
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  keepAlive();
}
`;

let entryDir: string;
let entry: string;
const runnerTemps: string[] = [];

beforeAll(async () => {
  entryDir = await mkdtemp(join(tmpdir(), 'run-action-entry-'));
  entry = join(entryDir, 'index.mjs');
  await writeFile(entry, ENTRY_SCRIPT);
});

afterAll(async () => {
  await Promise.all([entryDir, ...runnerTemps].map((dir) => rm(dir, { recursive: true, force: true })));
});

async function run(mode: string, extra: { cancelAfterMs?: number; timeoutMs?: number } = {}): Promise<RunActionResult> {
  const result = await runAction({
    entry,
    inputs: { 'api-key': 'demo-key', 'index-name': 'catalog-demo', timeout: '2m', undeclared: 'passed on' },
    env: { ENTRY_MODE: mode },
    ...extra,
  });
  runnerTemps.push(result.runnerTemp);
  return result;
}

describe('runAction', () => {
  it('passes inputs with action.yml defaults', async () => {
    const result = await run('finish');
    expect(result.exitCode).toBe(0);
    expect(result.outputs['input-api-key']).toBe('demo-key');
    expect(result.outputs['input-index-name']).toBe('catalog-demo');
    expect(result.outputs['input-timeout']).toBe('2m');
    expect(result.outputs['input-wait']).toBe('true');
    expect(result.outputs['input-job-id']).toBe('');
    expect(result.outputs['input-base-url']).toBe('https://ecom.marqo-ep.ai/api/v1');
    expect(result.outputs['input-undeclared']).toBe('passed on');
  });

  it('returns outputs, summary and commands', async () => {
    const result = await run('finish');
    expect(result.outputs.result).toBe('passed');
    expect(result.outputs['multi-line']).toBe('line one\nline two');
    expect(result.summary).toBe('## Jobs\n\nAll 3 jobs completed.\n');
    expect(result.commands).toEqual(['::notice::entry started']);
    expect(result.stdout).toContain('::notice::entry started');
  });

  it('sets runner environment, drops inherited variables', async () => {
    const inherited: Record<string, string> = {
      INPUT_STRAY: 'leak',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      GITHUB_TOKEN: 'not-a-real-token',
    };
    const saved = Object.fromEntries(Object.keys(inherited).map((name) => [name, process.env[name]]));
    Object.assign(process.env, inherited);
    let result: RunActionResult;
    try {
      result = await run('finish');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) {
          delete process.env[name];
        } else {
          process.env[name] = value;
        }
      }
    }

    const env = JSON.parse(result.outputs.env ?? '{}');
    expect(env.GITHUB_ACTIONS).toBe('true');
    expect(env.CI).toBe('true');
    expect(env.GITHUB_EVENT_NAME).toBe('push');
    expect(env.NO_PROXY).toBe('127.0.0.1,localhost');
    expect(env.HTTPS_PROXY).toBeNull();
    expect(env.INPUT_STRAY).toBeNull();
    expect(env.GITHUB_TOKEN).toBeNull();
    expect(env.RUNNER_TEMP).toBe(result.runnerTemp);
    expect(Number(/^v(\d+)/.exec(env.node)?.[1])).toBeGreaterThanOrEqual(24);
  });

  it('delivers SIGINT on cancel', async () => {
    const result = await run('stop-on-sigint', { cancelAfterMs: 300 });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.result).toBe('cancelled');
    expect(result.commands).toContain('::warning::cancelled by SIGINT');
    expect(result.durationMs).toBeGreaterThanOrEqual(300);
    expect(result.durationMs).toBeLessThan(2_500);
  });

  it('sends SIGTERM 2.5 s after SIGINT', async () => {
    const result = await run('stop-on-sigterm', { cancelAfterMs: 200 });
    expect(result.exitCode).toBe(143);
    expect(result.outputs.result).toBe('terminated');
    expect(result.stdout).toContain('ignoring SIGINT');
    expect(result.durationMs).toBeGreaterThanOrEqual(2_700);
  });

  it('kills the process at the timeout', async () => {
    const result = await run('ignore-signals', { timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(result.exitCode).toBeNull();
  });

  it('rejects a missing entry', async () => {
    await expect(runAction({ entry: join(entryDir, 'missing.js'), inputs: {} })).rejects.toThrow(/not found/);
  });
});

describe('parseOutputFile', () => {
  it('reads heredoc and one-line entries', () => {
    const text = [
      'result<<ghadelimiter_1',
      'passed',
      'ghadelimiter_1',
      'report<<EOF',
      '{"a": 1}',
      'name=value<<not a delimiter',
      'EOF',
      'count=3',
      'empty<<ghadelimiter_2',
      'ghadelimiter_2',
      '',
    ].join('\n');
    expect(parseOutputFile(text)).toEqual({
      result: 'passed',
      report: '{"a": 1}\nname=value<<not a delimiter',
      count: '3',
      empty: '',
    });
  });

  it('rejects an unterminated heredoc', () => {
    expect(() => parseOutputFile('result<<ghadelimiter_1\npassed\n')).toThrow(/closing delimiter/);
  });
});

describe('inputVariableName', () => {
  it('keeps hyphens and replaces spaces', () => {
    expect(inputVariableName('api-key')).toBe('INPUT_API-KEY');
    expect(inputVariableName('my input')).toBe('INPUT_MY_INPUT');
  });
});
