import { JOB_STATUSES, normalizeStatus, type JobStatus } from './marqo/job.ts';
import { formatTimestamp, microsFromMs, parseDuration, parseTimestamp } from './time.ts';

/** The raw text of every input, as the runner passes it; the keys are the input names of action.yml. */
export type RawInputs = Record<InputName, string>;

export const INPUT_NAMES = [
  'api-key',
  'index-name',
  'job-id',
  'time-from',
  'time-to',
  'status',
  'wait',
  'timeout',
  'poll-interval',
  'max-failed-items',
  'max-conflict-items',
  'max-skipped-items',
  'fail-on-status',
  'fail-if-no-jobs',
  'summary',
  'base-url',
  'comment-on-pr',
  'github-token',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];

/**
 * The default of every optional input, as action.yml declares it; the command-line tool uses
 * them too. A test keeps the two in step.
 */
export const INPUT_DEFAULTS: Record<Exclude<InputName, 'api-key' | 'index-name'>, string> = {
  'job-id': '',
  'time-from': '',
  'time-to': '',
  status: '',
  wait: 'true',
  timeout: '30m',
  'poll-interval': '5s',
  'max-failed-items': '0',
  'max-conflict-items': '0',
  'max-skipped-items': '',
  'fail-on-status': 'CANCELLED',
  'fail-if-no-jobs': 'false',
  summary: 'true',
  'base-url': 'https://ecom.marqo-ep.ai/api/v1',
  'comment-on-pr': 'false',
  'github-token': '${{ github.token }}',
};

/** A limit on summed item counts: an absolute count, or a percentage of all items. */
export interface Threshold {
  kind: 'count' | 'percent';
  value: number;
  /** The input text, for messages. */
  text: string;
}

export type Selection =
  | { mode: 'ids'; jobIds: string[] }
  | {
      mode: 'window';
      /** Start of the window to send, or null to let the service use its default (24 hours). */
      timeFrom: string | null;
      /** End of the window to send, or null for the service's now. */
      timeTo: string | null;
      status: JobStatus | null;
    };

export interface Settings {
  apiKey: string;
  indexName: string;
  /** Base URL without a trailing slash. */
  baseUrl: string;
  selection: Selection;
  /** Poll until every job is terminal (true), or judge one snapshot (false). */
  wait: boolean;
  /** One deadline for the whole run, in milliseconds. */
  timeoutMs: number;
  /** Maximum pause between two polls, in milliseconds. */
  pollIntervalMs: number;
  maxFailedItems: Threshold;
  maxConflictItems: Threshold;
  /** Null means no limit. */
  maxSkippedItems: Threshold | null;
  failOnStatus: JobStatus[];
  failIfNoJobs: boolean;
  summary: boolean;
  /** Post or update a comment on the pull request of the event. */
  commentOnPr: boolean;
  /** Token for the pull-request comment; a secret like apiKey. */
  githubToken: string;
}

/** An input value that cannot be used; the message names the input, the value and what is expected. */
export class InputError extends Error {
  readonly input: InputName;
  constructor(input: InputName, message: string) {
    super(`Invalid input ${input}: ${message}`);
    this.name = 'InputError';
    this.input = input;
  }
}

const MAX_WINDOW_AGE_MS = 30 * 86_400_000;
// A duration of exactly 30 days would land outside the service's limit by the time the request
// arrives, so a window start computed from a duration keeps this much room.
const WINDOW_AGE_MARGIN_MS = 60_000;
const MIN_POLL_INTERVAL_MS = 1000;
const MAX_JOB_IDS = 10_000;

function show(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(shown);
}

function parseBoolean(name: InputName, text: string): boolean {
  const value = text.trim();
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(name, `${show(text)} is not a boolean. Use true or false.`);
}

function parsePositiveDuration(name: InputName, text: string): number {
  const value = text.trim();
  const ms = parseDuration(value);
  if (ms === null) {
    const hint = /^\d+(\.\d+)?$/.test(value) ? ` Add a unit, for example ${value}s or ${value}m.` : '';
    throw new InputError(
      name,
      `${show(text)} is not a duration. Use a number with a unit: ms, s, m, h or d (90s, 45m, 2h, 1h30m).${hint}`,
    );
  }
  if (ms <= 0) throw new InputError(name, `${show(text)} must be longer than zero.`);
  return ms;
}

/** Parses a threshold; returns null for an empty value where `optional` allows no limit. */
function parseThreshold(name: InputName, text: string, optional: boolean): Threshold | null {
  const value = text.trim();
  if (value === '') {
    if (optional) return null;
    throw new InputError(name, 'is empty. Use a count such as 0 or 12, or a percentage such as 2%.');
  }
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(value);
  if (percent) {
    const amount = Number(percent[1]);
    if (amount > 100) throw new InputError(name, `${show(text)} is over 100%. Use a percentage from 0% to 100%.`);
    return { kind: 'percent', value: amount, text: `${amount}%` };
  }
  if (/^\d+$/.test(value)) return { kind: 'count', value: Number(value), text: value };
  const why = value.startsWith('-') ? 'is negative' : 'is not a whole number or a percentage';
  throw new InputError(name, `${show(text)} ${why}. Use a count of 0 or more (12) or a percentage (2%).`);
}

function parseStatus(name: InputName, text: string): JobStatus {
  const status = normalizeStatus(text);
  if (status === null) {
    throw new InputError(name, `${show(text)} is not a job status. Use one of ${JOB_STATUSES.join(', ')}.`);
  }
  return status;
}

function hasControlCharacters(text: string): boolean {
  return /[\u0000-\u001f\u007f]/.test(text);
}

/** Parses text with one JSON value on each non-empty line. Returns null when a line is not JSON or there are fewer than two. */
function parseJsonLines(text: string): unknown[] | null {
  const values: unknown[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line));
    } catch {
      return null;
    }
  }
  return values.length > 1 ? values : null;
}

/**
 * Splits the job-id input into IDs. Accepts IDs separated by commas, spaces or new lines, the
 * JSON body of a documents call (`{"jobId": "..."}`), one such body per line, or a JSON array of
 * IDs or such bodies.
 */
export function parseJobIds(text: string): string[] {
  const value = text.trim();
  let ids: string[];
  if (value.startsWith('{') || value.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      // A shell loop of documents calls collects one response body per line.
      parsed = parseJsonLines(value);
      if (parsed === null)
        throw new InputError(
          'job-id',
          `${show(value)} looks like JSON but does not parse (${(error as Error).message}). Give IDs separated by commas, or valid JSON.`,
        );
    }
    const entries = Array.isArray(parsed) ? parsed : [parsed];
    ids = entries.map((entry, index) => {
      const where = Array.isArray(parsed) ? `element ${index}` : 'the object';
      if (typeof entry === 'string') return entry.trim();
      if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
        const jobId = (entry as Record<string, unknown>).jobId;
        if (typeof jobId === 'string') return jobId.trim();
        throw new InputError(
          'job-id',
          `${where} of the JSON has no string field jobId. Pass the body a documents call returned, such as {"jobId": "..."}.`,
        );
      }
      throw new InputError(
        'job-id',
        `${where} of the JSON is ${JSON.stringify(entry)}, not a job ID or an object with jobId.`,
      );
    });
  } else {
    ids = value.split(/[\s,]+/);
  }

  const unique = [...new Set(ids.filter((id) => id !== ''))];
  for (const id of unique) {
    if (id === '.' || id === '..') throw new InputError('job-id', `${show(id)} is not a job ID.`);
    if (hasControlCharacters(id)) throw new InputError('job-id', `${show(id)} contains a control character.`);
    if (id.length > 256) throw new InputError('job-id', `${show(id)} is longer than 256 characters.`);
    // Quotes and brackets come from JSON printed without -r or a half-pasted body, never from an
    // ID the API issued, so they are rejected before a request is wasted on them.
    if (/["'`{}[\]()<>\\]/.test(id)) {
      throw new InputError(
        'job-id',
        `${show(id)} contains quotes or brackets. Pass bare IDs (jq -r '.jobId' prints them without quotes) or whole JSON bodies.`,
      );
    }
  }
  if (unique.length > MAX_JOB_IDS) {
    throw new InputError(
      'job-id',
      `lists ${unique.length} job IDs; at most ${MAX_JOB_IDS} are supported. Watch a time window instead.`,
    );
  }
  return unique;
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function parseBaseUrl(text: string): string {
  const value = text.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      'base-url',
      `${show(text)} is not a URL. Use the API's base URL, such as https://ecom.marqo-ep.ai/api/v1.`,
    );
  }
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) {
      throw new InputError(
        'base-url',
        `${show(text)} uses http. The API key must not cross the network unencrypted: use https (plain http is allowed for loopback hosts only).`,
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new InputError('base-url', `${show(text)} uses ${url.protocol.replace(':', '')}. Use an https URL.`);
  }
  if (url.username || url.password) {
    throw new InputError('base-url', 'contains credentials. Remove them; the API key goes in api-key.');
  }
  if (url.search || url.hash) {
    throw new InputError(
      'base-url',
      `${show(text)} has a query or fragment. Give the base URL only, such as https://ecom.marqo-ep.ai/api/v1.`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Reads a window bound: an ISO 8601 timestamp, or a duration before `nowMs`. Returns the
 * timestamp to send in microseconds, and whether it came from a duration.
 */
function parseWindowBound(name: InputName, text: string, nowMs: number): { micros: number; relative: boolean } {
  const value = text.trim();
  const duration = parseDuration(value);
  if (duration !== null) return { micros: microsFromMs(nowMs - duration), relative: true };
  const parsed = parseTimestamp(value);
  if (parsed === null) {
    throw new InputError(
      name,
      `${show(text)} is neither an ISO 8601 timestamp (2026-03-02T09:15:04Z) nor a duration before now (90s, 45m, 2h, 7d).`,
    );
  }
  return { micros: parsed.micros, relative: false };
}

function parseSelection(inputs: RawInputs, nowMs: number): Selection {
  const jobIdText = inputs['job-id'].trim();
  const timeFromText = inputs['time-from'].trim();
  const timeToText = inputs['time-to'].trim();
  const statusText = inputs.status.trim();

  if (jobIdText !== '') {
    const windowInputs = (['time-from', 'time-to', 'status'] as const).filter((name) => inputs[name].trim() !== '');
    if (windowInputs.length > 0) {
      const values = windowInputs.map((name) => show(inputs[name].trim())).join(', ');
      const setTo = windowInputs.length === 1 ? `which is set to ${values}` : `which are set to ${values}`;
      throw new InputError(
        'job-id',
        `${show(jobIdText)} cannot be combined with ${windowInputs.join(', ')}, ${setTo}. Give job IDs to watch those jobs, or a window (time-from, time-to, status) to watch the jobs in it, not both.`,
      );
    }
    const jobIds = parseJobIds(jobIdText);
    if (jobIds.length === 0) throw new InputError('job-id', `${show(jobIdText)} contains no job ID.`);
    return { mode: 'ids', jobIds };
  }

  const nowMicros = microsFromMs(nowMs);
  const oldestMicros = microsFromMs(nowMs - MAX_WINDOW_AGE_MS);
  let timeFrom: number | null = null;
  if (timeFromText !== '') {
    const bound = parseWindowBound('time-from', timeFromText, nowMs);
    if (bound.micros < oldestMicros) {
      throw new InputError(
        'time-from',
        `${show(timeFromText)} is more than 30 days ago. The Marqo API keeps jobs listable for 30 days: use a later start.`,
      );
    }
    if (bound.micros > nowMicros) {
      throw new InputError('time-from', `${show(timeFromText)} is in the future. Use a start before now.`);
    }
    timeFrom = bound.relative
      ? Math.max(bound.micros, oldestMicros + microsFromMs(WINDOW_AGE_MARGIN_MS))
      : bound.micros;
  }

  let timeTo: number | null = null;
  if (timeToText !== '') {
    const bound = parseWindowBound('time-to', timeToText, nowMs);
    if (bound.micros > nowMicros) {
      throw new InputError(
        'time-to',
        `${show(timeToText)} is in the future. Use a time before now, or leave time-to empty for now.`,
      );
    }
    timeTo = bound.micros;
    const start = timeFrom ?? microsFromMs(nowMs - 86_400_000);
    if (timeTo < start) {
      const startText = timeFrom === null ? 'the default start, 24 hours ago' : `time-from ${show(timeFromText)}`;
      throw new InputError('time-to', `${show(timeToText)} is before ${startText}. Use an end after the start.`);
    }
  }

  return {
    mode: 'window',
    timeFrom: timeFrom === null ? null : formatTimestamp(timeFrom),
    timeTo: timeTo === null ? null : formatTimestamp(timeTo),
    status: statusText === '' ? null : parseStatus('status', statusText),
  };
}

/**
 * Validates every input and returns the settings, or throws InputError for the first bad
 * value. `nowMs` is the runner's clock, used for relative window bounds and their limits.
 */
export function parseSettings(inputs: RawInputs, nowMs: number): Settings {
  const apiKey = inputs['api-key'].trim();
  if (apiKey === '')
    throw new InputError('api-key', 'is empty. Pass the Marqo API key, for example ${{ secrets.MARQO_API_KEY }}.');
  if (/[\s\u0000-\u001f\u007f]/.test(apiKey))
    throw new InputError(
      'api-key',
      'contains white space or control characters. Check the secret for a stray line break or space.',
    );

  const indexName = inputs['index-name'].trim();
  if (indexName === '')
    throw new InputError('index-name', 'is empty. Give the name of the Marqo Ecommerce index whose jobs to watch.');
  if (hasControlCharacters(indexName))
    throw new InputError('index-name', `${show(indexName)} contains a control character.`);
  if (indexName === '.' || indexName === '..')
    throw new InputError('index-name', `${show(indexName)} is not an index name.`);

  const baseUrl = parseBaseUrl(inputs['base-url']);
  const selection = parseSelection(inputs, nowMs);
  const timeoutMs = parsePositiveDuration('timeout', inputs.timeout);
  const pollIntervalMs = parsePositiveDuration('poll-interval', inputs['poll-interval']);
  if (pollIntervalMs < MIN_POLL_INTERVAL_MS) {
    throw new InputError(
      'poll-interval',
      `${show(inputs['poll-interval'])} is shorter than 1s. Use 1s or more, to spare the API.`,
    );
  }

  const failOnStatus = inputs['fail-on-status']
    .split(/[\s,]+/)
    .filter((text) => text !== '')
    .map((text) => parseStatus('fail-on-status', text));

  return {
    apiKey,
    indexName,
    baseUrl,
    selection,
    wait: parseBoolean('wait', inputs.wait),
    timeoutMs,
    pollIntervalMs,
    maxFailedItems: parseThreshold('max-failed-items', inputs['max-failed-items'], false) as Threshold,
    maxConflictItems: parseThreshold('max-conflict-items', inputs['max-conflict-items'], false) as Threshold,
    maxSkippedItems: parseThreshold('max-skipped-items', inputs['max-skipped-items'], true),
    failOnStatus: [...new Set(failOnStatus)],
    failIfNoJobs: parseBoolean('fail-if-no-jobs', inputs['fail-if-no-jobs']),
    summary: parseBoolean('summary', inputs.summary),
    commentOnPr: parseBoolean('comment-on-pr', inputs['comment-on-pr']),
    githubToken: inputs['github-token'].trim(),
  };
}
