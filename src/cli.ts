#!/usr/bin/env node
import { parseArgs } from 'node:util';
import packageJson from '../package.json' with { type: 'json' };
import { INPUT_DEFAULTS, INPUT_NAMES, InputError, parseSettings, type InputName, type RawInputs } from './settings.ts';
import { failureMessage, logSettings, watchAndJudge } from './engine.ts';
import { buildTextSummary } from './report/text.ts';
import { buildOutputs, writeReport } from './report/outputs.ts';
import { redactForDisplay } from './report/redact.ts';
import { logSafe, type Logger } from './logger.ts';

/** Exit codes: 0 passed or pending, 1 a failed gate, a timeout or a cancellation, 2 bad usage. */
export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * Inputs that have no flag: the API key comes from MARQO_API_KEY, and the step summary and the
 * pull-request comment exist only on GitHub. Every other input is a flag of the same name.
 */
const INPUTS_WITHOUT_FLAG: readonly InputName[] = ['api-key', 'summary', 'comment-on-pr', 'github-token'];
const FLAG_INPUTS = INPUT_NAMES.filter((name) => !INPUTS_WITHOUT_FLAG.includes(name));

const HELP = `Usage: marqo-ecom-jobs --index-name NAME [--job-id IDS | --time-from WHEN] [options]

Waits for the jobs of a Marqo Ecommerce index to reach a terminal status and
exits 1 when failed items, conflicts or job statuses exceed the limits.
The API key is read from the MARQO_API_KEY environment variable.

Selection:
  --index-name NAME          index whose jobs are watched (required)
  --job-id IDS               job IDs separated by commas, spaces or new lines, or the JSON
                             bodies of documents calls, one per line; "-" reads them from
                             standard input (default: none, the window below is watched)
  --time-from WHEN           window start: ISO 8601 timestamp or a duration before now
                             (90s, 45m, 2h, 7d); default: the last 24 hours
  --time-to WHEN             window end, same forms; default: now
  --status STATUS            only window jobs with this status (PENDING, IN_PROGRESS,
                             COMPLETED, FAILED, CONFLICT, CANCELLED); default: all

Waiting:
  --wait true|false          poll until every job is terminal (default: ${INPUT_DEFAULTS.wait})
  --no-wait                  same as --wait false: judge one snapshot
  --timeout DURATION         one deadline for the whole wait (default: ${INPUT_DEFAULTS.timeout})
  --poll-interval DURATION   longest pause between two polls (default: ${INPUT_DEFAULTS['poll-interval']})

Limits:
  --max-failed-items N|P%    failed items allowed, a count or a percentage of all items (default: ${INPUT_DEFAULTS['max-failed-items']})
  --max-conflict-items N|P%  items skipped by version conflicts allowed (default: ${INPUT_DEFAULTS['max-conflict-items']})
  --max-skipped-items N|P%   skipped items allowed (default: no limit)
  --fail-on-status LIST      comma-separated statuses that fail the run (default: ${INPUT_DEFAULTS['fail-on-status']})
  --fail-if-no-jobs true|false  fail when the window contains no job (default: ${INPUT_DEFAULTS['fail-if-no-jobs']})

Output:
  --report FILE              write the JSON report (settings, window, verdict, every job) to FILE
                             (default: none)
  --base-url URL             API base URL, https except for loopback hosts
                             (default: ${INPUT_DEFAULTS['base-url']})
  -h, --help                 print this help
  --version                  print the version

Durations are a number with a unit: ms, s, m, h or d (1h30m). Exit status: 0 passed
or pending, 1 failed, timed out, cancelled or the report not written, 2 invalid usage.
`;

const HYPHENATED_INPUT = new RegExp(
  `(?<![\\w-])(api-key|${FLAG_INPUTS.filter((name) => name.includes('-')).join('|')})(?![\\w-])`,
  'g',
);
// "status" is also a plain word, so only its mentions in lists of inputs become the flag.
const STATUS_INPUT = /(?<=(?:, |with ))status(?=[,)])/g;

/**
 * Names the inputs that a settings message mentions as this command's flags ("time-from" becomes
 * "--time-from", "api-key" becomes MARQO_API_KEY). Quoted values are left as the user gave them.
 */
function withFlagNames(message: string): string {
  return message
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, index) => {
      if (index % 2 === 1) return part;
      return part
        .replace(HYPHENATED_INPUT, (name: string) => (name === 'api-key' ? 'MARQO_API_KEY' : `--${name}`))
        .replace(STATUS_INPUT, '--status');
    })
    .join('');
}

/** Writes the log to standard error, so standard output carries only the summary. */
// Only the hyphenated names: `status`, `timeout` and `wait` are also plain words of the messages.
const INPUT_NAME_PATTERN = new RegExp(
  `(?<![\\w-])(${INPUT_NAMES.filter((name) => name.includes('-')).join('|')})(?![\\w-])`,
  'g',
);

/**
 * Rewrites the engine's messages for a terminal: they name action inputs (`api-key`,
 * `max-failed-items`), which the CLI takes as MARQO_API_KEY and `--` flags.
 */
export function cliWording(text: string): string {
  return text.replace(INPUT_NAME_PATTERN, (name) => (name === 'api-key' ? 'MARQO_API_KEY' : `--${name}`));
}

class TerminalLogger implements Logger {
  private readonly secret: string;
  constructor(secret: string) {
    this.secret = secret;
  }
  private line(prefix: string, message: string): void {
    const text = this.secret ? message.split(this.secret).join('***') : message;
    const time = new Date().toISOString().slice(11, 19);
    process.stderr.write(`${time} ${prefix}${logSafe(cliWording(text))}\n`);
  }
  info(message: string): void {
    this.line('', message);
  }
  warning(message: string): void {
    this.line('warning: ', message);
  }
  error(message: string): void {
    this.line('error: ', message);
  }
  debug(message: string): void {
    if (process.env.MARQO_JOBS_DEBUG) this.line('debug: ', message);
  }
  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.line('== ', name);
    return work();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs the command line with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
    'no-wait': { type: 'boolean' },
    report: { type: 'string' },
  };
  for (const name of FLAG_INPUTS) options[name] = { type: 'string' };
  // Several --job-id flags add up, as a script building the command line would expect.
  options['job-id'] = { type: 'string', multiple: true };
  try {
    values = parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    process.stderr.write(
      `marqo-ecom-jobs: ${error instanceof Error ? error.message : String(error)}\nRun marqo-ecom-jobs --help for the flags.\n`,
    );
    return EXIT_USAGE;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT_PASSED;
  }
  if (values.version) {
    process.stdout.write(`marqo-ecom-jobs ${packageJson.version}\n`);
    return EXIT_PASSED;
  }

  const apiKey = process.env.MARQO_API_KEY ?? '';
  const inputs: RawInputs = {
    ...INPUT_DEFAULTS,
    'api-key': apiKey,
    'index-name': '',
    'comment-on-pr': 'false',
    'github-token': '',
    summary: 'true',
  };
  for (const name of FLAG_INPUTS) {
    const value = values[name];
    if (typeof value === 'string') inputs[name] = value;
  }
  const jobIdFlags = values['job-id'];
  const jobIdGiven = Array.isArray(jobIdFlags);
  if (jobIdGiven) inputs['job-id'] = jobIdFlags.map(String).join('\n');
  if (values['no-wait']) inputs.wait = 'false';
  if (inputs['job-id'] === '-') inputs['job-id'] = await readStdin();
  // Unlike an action input, a flag can be distinguished from no flag: an empty --job-id is a mistake
  // (an empty file or variable), and watching the whole window instead would judge other jobs.
  if (jobIdGiven && inputs['job-id'].trim() === '') {
    process.stderr.write(
      'marqo-ecom-jobs: --job-id is empty. Pass job IDs, or leave out --job-id to watch a window.\n',
    );
    return EXIT_USAGE;
  }

  let settings;
  try {
    settings = parseSettings(inputs, Date.now());
  } catch (error) {
    if (error instanceof InputError) {
      const prefix = `Invalid input ${error.input}: `;
      const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
      let message = `Invalid --${error.input}: ${withFlagNames(detail)}`;
      if (error.input === 'api-key') {
        message =
          apiKey.trim() === ''
            ? 'MARQO_API_KEY is not set. Export the Marqo API key in it, for example from your CI secret store.'
            : error.message.replace('Invalid input api-key', 'Invalid MARQO_API_KEY');
      }
      process.stderr.write(`marqo-ecom-jobs: ${message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }

  const log = new TerminalLogger(apiKey);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    logSettings(log, settings);
    const { watch, verdict } = await watchAndJudge(settings, log, controller.signal);
    const redact = (text: string): string => (apiKey ? text.split(apiKey).join('***') : text);
    // The summary cuts long IDs and messages, so a key in API text is replaced before that.
    const shown = redactForDisplay(watch, verdict, redact);
    process.stdout.write(cliWording(buildTextSummary(settings, shown.watch, shown.verdict, Date.now())));
    const reportFile = typeof values.report === 'string' ? values.report : '';
    if (reportFile) {
      try {
        await writeReport(reportFile, settings, watch, verdict, Date.now(), redact);
        log.info(`Report written to ${reportFile}`);
      } catch (error) {
        log.error(
          `Failed to write the report to ${reportFile}: ${error instanceof Error ? error.message : String(error)}. Check that its directory exists and is writable.`,
        );
        return EXIT_FAILED;
      }
    }
    const outputs = buildOutputs(watch, verdict, reportFile);
    log.info(
      `result=${outputs.result} failed-items=${outputs['failed-items']} conflict-items=${outputs['conflict-items']} skipped-items=${outputs['skipped-items']}`,
    );
    if (verdict.result === 'passed' || verdict.result === 'pending') return EXIT_PASSED;
    log.error(failureMessage(verdict).split('\n')[0] ?? verdict.result);
    return EXIT_FAILED;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `marqo-ecom-jobs: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  return EXIT_FAILED;
});
