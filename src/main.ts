import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INPUT_NAMES, InputError, parseSettings, type RawInputs, type Settings } from './settings.ts';
import type { WatchResult } from './watch.ts';
import type { Verdict } from './verdict.ts';
import { failureMessage, logSettings, watchAndJudge } from './engine.ts';
import { buildSummary } from './report/summary.ts';
import { escapeMarkdown } from './report/escape.ts';
import { buildComment, commentMarker } from './report/comment.ts';
import { buildOutputs, emptyOutputs, writeReport, type Outputs } from './report/outputs.ts';
import { redactForDisplay } from './report/redact.ts';
import { logSafe, type Logger } from './logger.ts';

/** GitHub shows at most 10 annotations of each severity per step; the rest are rolled up. */
const ANNOTATIONS_PER_SEVERITY = 10;
/** The runner kills a cancelled step a few seconds after SIGINT; everything is written before then. */
const CANCEL_GRACE_MS = 4000;

/**
 * A logger that writes through @actions/core. No line it prints can start a workflow command,
 * the API key never appears in it, and warnings and errors beyond the annotation limit become
 * plain log lines counted in one roll-up warning at the end.
 */
export class ActionsLogger implements Logger {
  private readonly secrets: string[];
  private readonly annotations = { warning: 0, error: 0 };
  private readonly overflow = { warning: 0, error: 0 };

  constructor(secrets: string[]) {
    this.secrets = secrets.filter((secret) => secret !== '');
  }

  /** Removes the key and line breaks, and keeps a line from starting with `::`. */
  clean(message: string): string {
    const text = logSafe(this.redact(message));
    return text.startsWith('::') ? ` ${text}` : text;
  }

  /** Removes the key. Enough for text that @actions/core escapes into one workflow command. */
  redact(message: string): string {
    let text = message;
    // Text without a secret is returned as it is: a job can list a million document IDs, and a
    // new copy of each would cost memory for nothing.
    for (const secret of this.secrets) if (text.includes(secret)) text = text.split(secret).join('***');
    return text;
  }

  info(message: string): void {
    core.info(this.clean(message));
  }

  debug(message: string): void {
    core.debug(this.clean(message));
  }

  warning(message: string): void {
    this.annotate('warning', message);
  }

  error(message: string): void {
    this.annotate('error', message);
  }

  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    return core.group(this.clean(name), work);
  }

  /** Emits one warning for the annotations that went over the limit. */
  rollUp(): void {
    const hidden = this.overflow.warning + this.overflow.error;
    if (hidden > 0) {
      core.warning(
        `${hidden} more warnings and errors are in the log only: GitHub shows ${ANNOTATIONS_PER_SEVERITY} annotations of each kind per step.`,
      );
    }
  }

  private annotate(kind: 'warning' | 'error', message: string): void {
    const text = this.clean(message);
    // One place is kept for the roll-up line and, for errors, the step's failure message.
    if (this.annotations[kind] < ANNOTATIONS_PER_SEVERITY - 1) {
      this.annotations[kind] += 1;
      if (kind === 'warning') core.warning(text);
      else core.error(text);
    } else {
      this.overflow[kind] += 1;
      core.info(`${kind === 'warning' ? 'Warning' : 'Error'}: ${text}`);
    }
  }
}

function readInputs(): RawInputs {
  const inputs = {} as RawInputs;
  for (const name of INPUT_NAMES) inputs[name] = core.getInput(name, { trimWhitespace: false });
  return inputs;
}

function setOutputs(outputs: Outputs): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
}

function reportPath(): string {
  // An empty RUNNER_TEMP counts as unset, as on a runner that does not set it.
  const runnerTemp = process.env.RUNNER_TEMP ?? '';
  const directory = runnerTemp === '' ? tmpdir() : runnerTemp;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join(directory, `marqo-jobs-report-${stamp}-${randomBytes(3).toString('hex')}.json`);
}

/** Runs the action: inputs, watch, verdict, report. Every outcome sets every output; every throw fails the step. */
export async function run(): Promise<void> {
  // Masked before anything else is logged, so no later line can show it.
  const apiKey = core.getInput('api-key');
  if (apiKey) core.setSecret(apiKey);
  const githubToken = core.getInput('github-token');
  if (githubToken) core.setSecret(githubToken);
  const log = new ActionsLogger([apiKey, githubToken]);
  const controller = new AbortController();
  let finished = false;
  let outputsSet = false;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return;
    core.info(`Received ${signal}: stopping requests and writing the report`);
    controller.abort();
    // If writing the report hangs, the step still ends before the runner kills it.
    setTimeout(() => {
      if (finished) return;
      if (!outputsSet) setOutputs(emptyOutputs('cancelled'));
      core.setFailed('Watching the Marqo jobs was cancelled before the report was written');
      process.exit(1);
    }, CANCEL_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    let settings: Settings;
    try {
      settings = parseSettings(readInputs(), Date.now());
    } catch (error) {
      if (error instanceof InputError) {
        setOutputs(emptyOutputs('failed'));
        outputsSet = true;
        await writeInputErrorSummary(log, error);
        core.setFailed(log.clean(error.message));
        return;
      }
      throw error;
    }
    logSettings(log, settings);

    const { watch, verdict } = await watchAndJudge(settings, log, controller.signal);
    await report(log, settings, watch, verdict);
    outputsSet = true;

    if (verdict.result === 'passed' || verdict.result === 'pending') {
      for (const note of verdict.notes) log.info(note);
      log.info(
        verdict.result === 'passed'
          ? `Passed: ${verdict.totals.totalItems} items in ${watch.jobs.length} job(s), none over a threshold`
          : 'Pending: some jobs are still active',
      );
    } else {
      core.setFailed(log.redact(failureMessage(verdict)));
    }
    log.rollUp();
  } catch (error) {
    if (!outputsSet) setOutputs(emptyOutputs('failed'));
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && error.stack) log.debug(error.stack);
    core.setFailed(log.clean(`Unexpected error: ${message}`));
  } finally {
    finished = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Posts or updates the pull-request comment. It never throws: the comment must not change the verdict. */
async function commentOnPullRequest(
  log: ActionsLogger,
  settings: Settings,
  watch: WatchResult,
  verdict: Verdict,
): Promise<string | null> {
  try {
    const { upsertPullRequestComment } = await import('./github/pull-request.ts');
    const marker = commentMarker(settings.indexName, process.env.GITHUB_WORKFLOW ?? '', process.env.GITHUB_JOB ?? '');
    const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
    const runUrl =
      process.env.GITHUB_REPOSITORY && process.env.GITHUB_RUN_ID
        ? `${server}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
        : null;
    const body = log.redact(buildComment({ settings, watch, verdict, marker, runUrl }));
    return await upsertPullRequestComment({ token: settings.githubToken, marker, body, log });
  } catch (error) {
    log.warning(`The pull-request comment was not posted: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

async function writeInputErrorSummary(log: ActionsLogger, error: InputError): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY || core.getInput('summary').trim().toLowerCase() === 'false') return;
  const markdown = `## ❌ Marqo jobs not checked: invalid input\n\n${escapeMarkdown(log.redact(error.message))}\n\nNo request was sent to the API.\n`;
  try {
    await core.summary.addRaw(markdown).write();
  } catch {
    // The failure message below contains the same text.
  }
}

async function report(log: ActionsLogger, settings: Settings, watch: WatchResult, verdict: Verdict): Promise<void> {
  await log.group('Verdict', async () => {
    log.info(`Result: ${verdict.result}`);
    for (const reason of verdict.reasons) log.info(`- ${reason}`);
    const t = verdict.totals;
    log.info(
      `Items: ${t.totalItems} total, ${t.processedItems} processed, ${t.failedItems} failed, ${t.conflictItems} in conflict, ${t.skippedItems} skipped`,
    );

    let path = reportPath();
    try {
      await writeReport(path, settings, watch, verdict, Date.now(), (text) => log.redact(text));
      log.info(`Report written to ${path}`);
    } catch (error) {
      log.warning(
        `The JSON report could not be written to ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
      path = '';
    }

    // Secrets are removed before markdown escapes and cuts the text, because a redaction of the finished markdown misses them.
    const shown = redactForDisplay(watch, verdict, (text) => log.redact(text));
    if (settings.summary && process.env.GITHUB_STEP_SUMMARY) {
      const markdown = log.redact(
        buildSummary({
          settings,
          watch: shown.watch,
          verdict: shown.verdict,
          reportPath: path || null,
          now: Date.now(),
        }),
      );
      try {
        await core.summary.addRaw(markdown).write();
      } catch (error) {
        log.warning(`The step summary could not be written: ${error instanceof Error ? error.message : String(error)}`);
      }
    }

    let commentUrl = '';
    if (settings.commentOnPr && verdict.result !== 'cancelled') {
      commentUrl = (await commentOnPullRequest(log, settings, shown.watch, shown.verdict)) ?? '';
    }
    setOutputs(buildOutputs(shown.watch, shown.verdict, path, commentUrl));
  });
}
