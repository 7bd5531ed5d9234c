import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** Starts the CLI and resolves once it has printed its two start-up lines. */
async function startCli(
  args: string[],
): Promise<{ child: ReturnType<typeof spawn>; lines: string[]; output: () => string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout?.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (text: string) => {
      stdout += text;
      if (stdout.split('\n').length > 2) {
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`CLI exited with ${code} before start-up: ${stdout}`)));
  });
  return { child, lines: stdout.split('\n'), output: () => stdout };
}

async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

describe('emulator CLI', () => {
  it('serves the demo, logs requests and stops on SIGINT', async () => {
    const { child, lines, output } = await startCli(['--port', '0']);
    const match =
      /^Marqo jobs emulator on (http:\/\/127\.0\.0\.1:\d+\/api\/v1) \(index catalog-demo, API key demo-key, 12 jobs\)$/.exec(
        lines[0] ?? '',
      );
    expect(match).not.toBeNull();
    expect(lines[1]?.split(',')).toHaveLength(12);

    const response = await fetch(`${match?.[1]}/indexes/catalog-demo/jobs?limit=5`, {
      headers: { authorization: 'Bearer demo-key' },
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 100));

    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(output()).toContain('GET /api/v1/indexes/catalog-demo/jobs?limit=5 200');
  });

  it('loads a JSON scenario with a custom key and index', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-cli-'));
    try {
      const file = join(dir, 'jobs.json');
      await writeFile(
        file,
        JSON.stringify([{ jobId: 'job-1', totalItems: 5, timeline: [{ atMs: 0, status: 'COMPLETED' }] }]),
      );
      const { child, lines } = await startCli([
        '--port',
        '0',
        '--scenario',
        file,
        '--api-key',
        'k1',
        '--index-name',
        'shop',
      ]);
      expect(lines[0]).toMatch(/\(index shop, API key k1, 1 jobs\)$/);
      expect(lines[1]).toBe('job-1');
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const badArguments: [string, string[], RegExp][] = [
    ['unknown flag', ['--bogus'], /--bogus/],
    ['port out of range', ['--port', '70000'], /--port/],
    ['port not a number', ['--port', 'http'], /--port/],
    ['missing scenario file', ['--scenario', '/nonexistent/jobs.json'], /--scenario/],
    ['positional argument', ['demo'], /positional/],
  ];

  it.each(badArguments)('exits 2 on %s', async (_name, args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('prints help', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--scenario/);
  });
});
