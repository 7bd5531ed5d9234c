/**
 * Renders the step summary of the demo deploy as GitHub shows it and saves a screenshot to
 * docs/summary.png, for the README.
 *
 *   npm run docs:screenshot
 *
 * It plays the demo scenario on the emulator, runs the committed dist/index.js against it, turns
 * the summary into HTML with marked (GitHub-flavoured markdown) and github-markdown-css, and
 * photographs the page with headless Chromium. Chromium is not an npm dependency: on Debian or
 * Ubuntu, install it with `apt-get install chromium`, or set CHROMIUM to its path. The page loads
 * nothing from the network: its CSS is inlined and Chromium's background networking is off.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { marked } from 'marked';
import { REPO_ROOT, runAction } from '../test/e2e/run-action.ts';
import { demoScenario } from '../test/emulator/scenarios.ts';
import { startEmulator } from '../test/emulator/server.ts';

const run = promisify(execFile);

const API_KEY = 'demo-key';
const INDEX_NAME = 'catalog-demo';
const OUTPUT = join(REPO_ROOT, 'docs', 'summary.png');
const WIDTH = 1000;
/** The demo deploy takes about 30 s at full speed; at 0.3 it ends in about 10 s with durations of seconds. */
const TIME_SCALE = 0.3;

async function findChromium(): Promise<string> {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
      const candidate = join(directory, name);
      try {
        await access(candidate);
        return candidate;
      } catch {
        // Not in this directory.
      }
    }
  }
  throw new Error(
    'Chromium not found. Install it (Debian or Ubuntu: apt-get install chromium) or set CHROMIUM to its path.',
  );
}

/** Runs the demo deploy and returns the step summary the action wrote. */
async function demoSummary(): Promise<string> {
  const jobs = demoScenario({ timeScale: TIME_SCALE });
  const emulator = await startEmulator({ apiKey: API_KEY, indexName: INDEX_NAME, jobs });
  try {
    const result = await runAction({
      inputs: {
        'api-key': API_KEY,
        'index-name': INDEX_NAME,
        'job-id': jobs.map((job) => job.jobId).join('\n'),
        'base-url': emulator.baseUrl,
        'poll-interval': '2s',
        timeout: '2m',
      },
      env: { GITHUB_WORKFLOW: 'catalog-deploy', GITHUB_JOB: 'gate' },
      timeoutMs: 120_000,
    });
    await rm(result.runnerTemp, { recursive: true, force: true });
    if (result.summary.trim() === '')
      throw new Error(
        `The action wrote no step summary (exit code ${result.exitCode}):\n${result.stdout}${result.stderr}`,
      );
    return result.summary;
  } finally {
    await emulator.close();
  }
}

/** Builds a page that looks like the summary box of a GitHub run. */
async function page(markdown: string): Promise<string> {
  const css = await readFile(
    join(REPO_ROOT, 'node_modules', 'github-markdown-css', 'github-markdown-light.css'),
    'utf8',
  );
  const body = marked
    .parse(markdown, { gfm: true, async: false })
    // Folded sections are shown open, so the picture shows what they contain.
    .replace(/<details>/g, '<details open>');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>step summary</title>
<style>
${css}
html, body { margin: 0; background: #f6f8fa; }
/* At 90 % the job table fits 1000 px without wrapping its job IDs. */
html { zoom: 0.9; }
.frame { margin: 8px; border: 1px solid #d1d9e0; border-radius: 6px; background: #ffffff; }
.frame > header { padding: 10px 16px; border-bottom: 1px solid #d1d9e0; font: 600 14px -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328; }
.markdown-body { padding: 16px 16px 4px; }
</style>
</head>
<body>
<div class="frame">
<header>gate summary</header>
<article class="markdown-body">
${body}
</article>
</div>
<script>document.title = String(Math.ceil(document.documentElement.getBoundingClientRect().height));</script>
</body>
</html>
`;
}

function chromiumFlags(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    '--hide-scrollbars',
  ];
}

async function screenshot(chromium: string, html: string, output: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'marqo-screenshot-'));
  try {
    const file = join(work, 'summary.html');
    await writeFile(file, html);
    const url = pathToFileURL(file).href;

    // The page writes its own height into its title, so a first load gives the window height.
    const dump = await run(
      chromium,
      [...chromiumFlags(join(work, 'profile-1')), `--window-size=${WIDTH},800`, '--dump-dom', url],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const height = Number(/<title>(\d+)<\/title>/.exec(dump.stdout)?.[1]);
    if (!Number.isFinite(height) || height <= 0)
      throw new Error('Could not measure the height of the rendered summary.');

    await mkdir(join(REPO_ROOT, 'docs'), { recursive: true });
    await run(chromium, [
      ...chromiumFlags(join(work, 'profile-2')),
      `--window-size=${WIDTH},${height}`,
      `--screenshot=${output}`,
      url,
    ]);
    const { size } = await stat(output);
    console.log(`Wrote ${output} (${WIDTH}x${height}, ${Math.round(size / 1024)} KiB)`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const chromium = await findChromium();
console.log('Running the demo deploy against the emulator…');
const markdown = await demoSummary();
await screenshot(chromium, await page(markdown), OUTPUT);
