import { describe, expect, it } from 'vitest';
import {
  InputError,
  parseBaseUrl,
  parseJobIds,
  parseSettings,
  type InputName,
  type RawInputs,
} from '../../src/settings.ts';
import { formatTimestamp } from '../../src/time.ts';

const NOW_MS = Date.UTC(2026, 2, 2, 12, 0, 0);
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const API_KEY = 'mq-secret-key-0123456789';

/** Builds the inputs as the runner passes them: the defaults of action.yml, a key and an index. */
function inputs(overrides: Partial<RawInputs> = {}): RawInputs {
  return {
    'api-key': API_KEY,
    'index-name': 'catalog',
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
    'github-token': '',
    ...overrides,
  };
}

/** Runs parseSettings on inputs that must be rejected and returns the InputError. */
function rejection(overrides: Partial<RawInputs>): InputError {
  try {
    parseSettings(inputs(overrides), NOW_MS);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`parseSettings accepted ${JSON.stringify(overrides)}`);
}

function utc(ms: number): string {
  return formatTimestamp(ms * 1000);
}

interface BadInput {
  case: string;
  overrides: Partial<RawInputs>;
  input: InputName;
  /** Text that shows the value in the message, or null where the message must not show it. */
  shown: string | null;
  /** Text of the message that states the expected form. */
  expected: string;
}

const BAD_INPUTS: BadInput[] = [
  {
    case: 'empty api-key',
    overrides: { 'api-key': '  ' },
    input: 'api-key',
    shown: 'is empty',
    expected: 'Pass the Marqo API key',
  },
  {
    case: 'api-key with a line break',
    overrides: { 'api-key': 'abc\ndef' },
    input: 'api-key',
    shown: null,
    expected: 'Check the secret for a stray line break',
  },
  {
    case: 'empty index-name',
    overrides: { 'index-name': '' },
    input: 'index-name',
    shown: 'is empty',
    expected: 'Give the name of the Marqo Ecommerce index',
  },
  {
    case: 'index-name with a control character',
    overrides: { 'index-name': 'cat\u0007alog' },
    input: 'index-name',
    shown: '"cat\\u0007alog"',
    expected: 'contains a control character',
  },
  {
    case: 'unknown timeout unit',
    overrides: { timeout: '10 minutes' },
    input: 'timeout',
    shown: '"10 minutes"',
    expected: 'Use a number with a unit: ms, s, m, h or d',
  },
  {
    case: 'bare number timeout',
    overrides: { timeout: '600' },
    input: 'timeout',
    shown: '"600"',
    expected: 'Add a unit, for example 600s or 600m',
  },
  {
    case: 'negative timeout',
    overrides: { timeout: '-5m' },
    input: 'timeout',
    shown: '"-5m"',
    expected: 'Use a number with a unit',
  },
  {
    case: 'zero timeout',
    overrides: { timeout: '0s' },
    input: 'timeout',
    shown: '"0s"',
    expected: 'must be longer than zero',
  },
  {
    case: 'bare number poll-interval',
    overrides: { 'poll-interval': '5' },
    input: 'poll-interval',
    shown: '"5"',
    expected: 'Add a unit, for example 5s or 5m',
  },
  {
    case: 'poll-interval of 500ms',
    overrides: { 'poll-interval': '500ms' },
    input: 'poll-interval',
    shown: '"500ms"',
    expected: 'Use 1s or more',
  },
  {
    case: 'poll-interval of 0.5s',
    overrides: { 'poll-interval': '0.5s' },
    input: 'poll-interval',
    shown: '"0.5s"',
    expected: 'shorter than 1s',
  },
  {
    case: 'zero poll-interval',
    overrides: { 'poll-interval': '0ms' },
    input: 'poll-interval',
    shown: '"0ms"',
    expected: 'must be longer than zero',
  },
  {
    case: 'negative max-failed-items',
    overrides: { 'max-failed-items': '-1' },
    input: 'max-failed-items',
    shown: '"-1"',
    expected: 'is negative. Use a count of 0 or more (12) or a percentage (2%)',
  },
  {
    case: 'non-numeric max-failed-items',
    overrides: { 'max-failed-items': 'none' },
    input: 'max-failed-items',
    shown: '"none"',
    expected: 'is not a whole number or a percentage',
  },
  {
    case: 'fractional max-failed-items',
    overrides: { 'max-failed-items': '1.5' },
    input: 'max-failed-items',
    shown: '"1.5"',
    expected: 'Use a count of 0 or more',
  },
  {
    case: 'max-failed-items over 100%',
    overrides: { 'max-failed-items': '101%' },
    input: 'max-failed-items',
    shown: '"101%"',
    expected: 'Use a percentage from 0% to 100%',
  },
  {
    case: 'negative percentage',
    overrides: { 'max-failed-items': '-2%' },
    input: 'max-failed-items',
    shown: '"-2%"',
    expected: 'is negative',
  },
  {
    case: 'empty max-failed-items',
    overrides: { 'max-failed-items': ' ' },
    input: 'max-failed-items',
    shown: 'is empty',
    expected: 'Use a count such as 0 or 12, or a percentage such as 2%',
  },
  {
    case: 'negative max-conflict-items',
    overrides: { 'max-conflict-items': '-3' },
    input: 'max-conflict-items',
    shown: '"-3"',
    expected: 'is negative',
  },
  {
    case: 'max-conflict-items over 100%',
    overrides: { 'max-conflict-items': '100.5%' },
    input: 'max-conflict-items',
    shown: '"100.5%"',
    expected: 'is over 100%',
  },
  {
    case: 'empty max-conflict-items',
    overrides: { 'max-conflict-items': '' },
    input: 'max-conflict-items',
    shown: 'is empty',
    expected: 'Use a count',
  },
  {
    case: 'non-numeric max-skipped-items',
    overrides: { 'max-skipped-items': 'ten' },
    input: 'max-skipped-items',
    shown: '"ten"',
    expected: 'is not a whole number or a percentage',
  },
  {
    case: 'max-skipped-items over 100%',
    overrides: { 'max-skipped-items': '250%' },
    input: 'max-skipped-items',
    shown: '"250%"',
    expected: 'Use a percentage from 0% to 100%',
  },
  {
    case: 'job-id with time-from',
    overrides: { 'job-id': 'job-1', 'time-from': '2h' },
    input: 'job-id',
    shown: 'time-from',
    expected: 'not both',
  },
  {
    case: 'job-id with time-to',
    overrides: { 'job-id': 'job-1', 'time-to': '1h' },
    input: 'job-id',
    shown: 'cannot be combined with time-to',
    expected: 'not both',
  },
  {
    case: 'job-id with status',
    overrides: { 'job-id': 'job-1', status: 'FAILED' },
    input: 'job-id',
    shown: 'cannot be combined with status',
    expected: 'not both',
  },
  {
    case: 'job-id with the whole window',
    overrides: { 'job-id': 'job-1', 'time-from': '2h', 'time-to': '1h', status: 'FAILED' },
    input: 'job-id',
    shown: 'cannot be combined with time-from, time-to, status',
    expected: 'Give job IDs to watch those jobs, or a window',
  },
  {
    case: 'job-id of broken JSON',
    overrides: { 'job-id': '{"jobId": ' },
    input: 'job-id',
    shown: 'looks like JSON but does not parse',
    expected: 'Give IDs separated by commas, or valid JSON',
  },
  {
    case: 'job-id JSON without jobId',
    overrides: { 'job-id': '{"id": "abc"}' },
    input: 'job-id',
    shown: 'the object of the JSON has no string field jobId',
    expected: 'such as {"jobId": "..."}',
  },
  {
    case: 'job-id JSON array with a number',
    overrides: { 'job-id': '["a", 42]' },
    input: 'job-id',
    shown: 'element 1 of the JSON is 42',
    expected: 'not a job ID or an object with jobId',
  },
  {
    case: 'job-id of an empty JSON array',
    overrides: { 'job-id': '[]' },
    input: 'job-id',
    shown: '"[]"',
    expected: 'contains no job ID',
  },
  {
    case: 'job-id with a control character',
    overrides: { 'job-id': '["a\\u0000b"]' },
    input: 'job-id',
    shown: '"a\\u0000b"',
    expected: 'contains a control character',
  },
  {
    case: 'job-id over 256 characters',
    overrides: { 'job-id': 'x'.repeat(257) },
    input: 'job-id',
    shown: `"${'x'.repeat(80)}…"`,
    expected: 'is longer than 256 characters',
  },
  {
    case: 'time-from of 31 days',
    overrides: { 'time-from': '31d' },
    input: 'time-from',
    shown: '"31d"',
    expected: 'is more than 30 days ago',
  },
  {
    case: 'time-from timestamp 40 days ago',
    overrides: { 'time-from': '2026-01-21T12:00:00Z' },
    input: 'time-from',
    shown: '"2026-01-21T12:00:00Z"',
    expected: 'use a later start',
  },
  {
    case: 'time-from in the future',
    overrides: { 'time-from': '2026-03-02T12:00:01Z' },
    input: 'time-from',
    shown: '"2026-03-02T12:00:01Z"',
    expected: 'is in the future. Use a start before now',
  },
  {
    case: 'time-from in the future by offset',
    overrides: { 'time-from': '2026-03-02T12:30:00-01:00' },
    input: 'time-from',
    shown: '"2026-03-02T12:30:00-01:00"',
    expected: 'is in the future',
  },
  {
    case: 'time-from of junk',
    overrides: { 'time-from': 'last week' },
    input: 'time-from',
    shown: '"last week"',
    expected: 'is neither an ISO 8601 timestamp (2026-03-02T09:15:04Z) nor a duration before now',
  },
  {
    case: 'time-from of 31 February',
    overrides: { 'time-from': '2026-02-31T00:00:00Z' },
    input: 'time-from',
    shown: '"2026-02-31T00:00:00Z"',
    expected: 'is neither an ISO 8601 timestamp',
  },
  {
    case: 'time-to in the future',
    overrides: { 'time-to': '2026-03-03T00:00:00Z' },
    input: 'time-to',
    shown: '"2026-03-03T00:00:00Z"',
    expected: 'leave time-to empty for now',
  },
  {
    case: 'time-to before time-from',
    overrides: { 'time-from': '2h', 'time-to': '3h' },
    input: 'time-to',
    shown: '"3h" is before time-from "2h"',
    expected: 'Use an end after the start',
  },
  {
    case: 'time-to before the default start',
    overrides: { 'time-to': '2d' },
    input: 'time-to',
    shown: '"2d" is before the default start, 24 hours ago',
    expected: 'Use an end after the start',
  },
  {
    case: 'time-to of junk',
    overrides: { 'time-to': 'now' },
    input: 'time-to',
    shown: '"now"',
    expected: 'nor a duration before now (90s, 45m, 2h, 7d)',
  },
  {
    case: 'unknown status',
    overrides: { status: 'DONE' },
    input: 'status',
    shown: '"DONE"',
    expected: 'Use one of PENDING, IN_PROGRESS, COMPLETED, FAILED, CONFLICT, CANCELLED',
  },
  {
    case: 'old filter value active',
    overrides: { status: 'active' },
    input: 'status',
    shown: '"active"',
    expected: 'is not a job status',
  },
  {
    case: 'unknown fail-on-status entry',
    overrides: { 'fail-on-status': 'CANCELLED, ABORTED' },
    input: 'fail-on-status',
    shown: '"ABORTED"',
    expected: 'Use one of PENDING, IN_PROGRESS',
  },
  {
    case: 'non-boolean wait',
    overrides: { wait: 'yes' },
    input: 'wait',
    shown: '"yes"',
    expected: 'Use true or false',
  },
  {
    case: 'non-boolean summary',
    overrides: { summary: 'on' },
    input: 'summary',
    shown: '"on"',
    expected: 'Use true or false',
  },
  {
    case: 'non-boolean fail-if-no-jobs',
    overrides: { 'fail-if-no-jobs': '1' },
    input: 'fail-if-no-jobs',
    shown: '"1"',
    expected: 'Use true or false',
  },
  {
    case: 'non-boolean comment-on-pr',
    overrides: { 'comment-on-pr': 'always' },
    input: 'comment-on-pr',
    shown: '"always"',
    expected: 'Use true or false',
  },
  { case: 'empty wait', overrides: { wait: '' }, input: 'wait', shown: '""', expected: 'is not a boolean' },
  {
    case: 'http base-url of a remote host',
    overrides: { 'base-url': 'http://ecom.marqo-ep.ai/api/v1' },
    input: 'base-url',
    shown: '"http://ecom.marqo-ep.ai/api/v1"',
    expected: 'use https (plain http is allowed for loopback hosts only)',
  },
  {
    case: 'http base-url of a look-alike loopback name',
    overrides: { 'base-url': 'http://127.0.0.1.example.com/api' },
    input: 'base-url',
    shown: '"http://127.0.0.1.example.com/api"',
    expected: 'use https',
  },
  {
    case: 'http base-url of localhost as a subdomain',
    overrides: { 'base-url': 'http://localhost.example.com' },
    input: 'base-url',
    shown: '"http://localhost.example.com"',
    expected: 'use https',
  },
  {
    case: 'ftp base-url',
    overrides: { 'base-url': 'ftp://ecom.marqo-ep.ai/api' },
    input: 'base-url',
    shown: '"ftp://ecom.marqo-ep.ai/api" uses ftp',
    expected: 'Use an https URL',
  },
  {
    case: 'base-url that is not a URL',
    overrides: { 'base-url': 'ecom.marqo-ep.ai/api/v1' },
    input: 'base-url',
    shown: '"ecom.marqo-ep.ai/api/v1" is not a URL',
    expected: 'such as https://ecom.marqo-ep.ai/api/v1',
  },
  {
    case: 'base-url with a query',
    overrides: { 'base-url': 'https://ecom.marqo-ep.ai/api/v1?region=eu' },
    input: 'base-url',
    shown: '"https://ecom.marqo-ep.ai/api/v1?region=eu"',
    expected: 'Give the base URL only',
  },
  {
    case: 'base-url with a fragment',
    overrides: { 'base-url': 'https://ecom.marqo-ep.ai/api/v1#top' },
    input: 'base-url',
    shown: '"https://ecom.marqo-ep.ai/api/v1#top"',
    expected: 'has a query or fragment',
  },
];

describe('parseSettings rejections', () => {
  it.each(BAD_INPUTS)('rejects $case', ({ overrides, input, shown, expected }) => {
    const error = rejection(overrides);

    expect(error.name).toBe('InputError');
    expect(error.input).toBe(input);
    expect(error.message).toContain(`Invalid input ${input}:`);
    if (shown !== null) expect(error.message).toContain(shown);
    expect(error.message).toContain(expected);
  });

  it('keeps the API key out of its messages', () => {
    for (const apiKey of ['abc def', 'abc\ndef', 'abc\u0000def']) {
      const error = rejection({ 'api-key': apiKey });
      expect(error.input).toBe('api-key');
      expect(error.message).not.toContain('abc');
    }
  });

  it('keeps base-url credentials out of its message', () => {
    const error = rejection({ 'base-url': 'https://user:hunter2@ecom.marqo-ep.ai/api/v1' });

    expect(error.input).toBe('base-url');
    expect(error.message).toContain('contains credentials');
    expect(error.message).toContain('the API key goes in api-key');
    expect(error.message).not.toContain('hunter2');
  });

  it('rejects more than 10,000 job IDs', () => {
    const ids = Array.from({ length: 10_001 }, (_, index) => `job-${index}`).join(',');
    const error = rejection({ 'job-id': ids });

    expect(error.input).toBe('job-id');
    expect(error.message).toContain('lists 10001 job IDs; at most 10000 are supported');
    expect(error.message).toContain('Watch a time window instead');
  });

  it('checks each input before the next', () => {
    const error = rejection({ 'api-key': '', 'index-name': '', timeout: 'soon' });

    expect(error.input).toBe('api-key');
  });
});

describe('parseSettings defaults', () => {
  it('reads the action defaults', () => {
    const settings = parseSettings(inputs(), NOW_MS);

    expect(settings.apiKey).toBe(API_KEY);
    expect(settings.indexName).toBe('catalog');
    expect(settings.baseUrl).toBe('https://ecom.marqo-ep.ai/api/v1');
    expect(settings.selection).toEqual({ mode: 'window', timeFrom: null, timeTo: null, status: null });
    expect(settings.wait).toBe(true);
    expect(settings.timeoutMs).toBe(30 * 60_000);
    expect(settings.pollIntervalMs).toBe(5000);
    expect(settings.maxFailedItems).toEqual({ kind: 'count', value: 0, text: '0' });
    expect(settings.maxConflictItems).toEqual({ kind: 'count', value: 0, text: '0' });
    expect(settings.maxSkippedItems).toBeNull();
    expect(settings.failOnStatus).toEqual(['CANCELLED']);
    expect(settings.failIfNoJobs).toBe(false);
    expect(settings.summary).toBe(true);
    expect(settings.commentOnPr).toBe(false);
    expect(settings.githubToken).toBe('');
  });

  it('reads the pull-request comment inputs', () => {
    const settings = parseSettings(inputs({ 'comment-on-pr': 'true', 'github-token': ' ghs_token \n' }), NOW_MS);

    expect(settings.commentOnPr).toBe(true);
    expect(settings.githubToken).toBe('ghs_token');
  });

  it('trims the api-key and index-name', () => {
    const settings = parseSettings(inputs({ 'api-key': `  ${API_KEY}\n`, 'index-name': ' catalog ' }), NOW_MS);

    expect(settings.apiKey).toBe(API_KEY);
    expect(settings.indexName).toBe('catalog');
  });
});

describe('parseSettings job-id', () => {
  function jobIds(text: string): string[] {
    const { selection } = parseSettings(inputs({ 'job-id': text }), NOW_MS);
    if (selection.mode !== 'ids') throw new Error(`expected job IDs, got ${JSON.stringify(selection)}`);
    return selection.jobIds;
  }

  it('splits on commas, spaces and new lines', () => {
    expect(jobIds('a,b c\nd\r\ne\t f , g')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it.each(['"1c0f6e52"', "'1c0f6e52'", '(index', 'jobId}'])('rejects the ID %s with quotes or brackets', (text) => {
    const error = rejection({ 'job-id': text });

    expect(error.input).toBe('job-id');
    expect(error.message).toContain(JSON.stringify(text));
    expect(error.message).toContain("jq -r '.jobId'");
  });

  it('reads a documents call body', () => {
    expect(jobIds('{"jobId": "1c0f6e52-aaaa"}')).toEqual(['1c0f6e52-aaaa']);
  });

  it('reads a JSON array of IDs', () => {
    expect(jobIds('["a", "b"]')).toEqual(['a', 'b']);
  });

  it('reads a JSON array of bodies', () => {
    expect(jobIds('[{"jobId": "a"}, {"jobId": "b", "other": 1}]')).toEqual(['a', 'b']);
  });

  it('reads a mixed JSON array', () => {
    expect(jobIds('[{"jobId": "a"}, "b"]')).toEqual(['a', 'b']);
  });

  it('keeps commas and spaces inside JSON IDs', () => {
    expect(jobIds('["a,b", "c d"]')).toEqual(['a,b', 'c d']);
  });

  it('removes duplicates in first-seen order', () => {
    expect(jobIds('b, a, b\na')).toEqual(['b', 'a']);
    expect(jobIds('[{"jobId": "a"}, "a", {"jobId": " a "}]')).toEqual(['a']);
  });

  it('accepts exactly 10,000 IDs', () => {
    const ids = Array.from({ length: 10_000 }, (_, index) => `job-${index}`);

    expect(parseJobIds(ids.join('\n'))).toEqual(ids);
  });
});

describe('parseSettings window', () => {
  function window(overrides: Partial<RawInputs>): {
    timeFrom: string | null;
    timeTo: string | null;
    status: string | null;
  } {
    const { selection } = parseSettings(inputs(overrides), NOW_MS);
    if (selection.mode !== 'window') throw new Error(`expected a window, got ${JSON.stringify(selection)}`);
    return selection;
  }

  it('computes relative bounds from nowMs', () => {
    const selection = window({ 'time-from': '2h', 'time-to': '30m' });

    expect(selection.timeFrom).toBe(utc(NOW_MS - 2 * HOUR_MS));
    expect(selection.timeTo).toBe(utc(NOW_MS - 30 * 60_000));
  });

  it('accepts compound durations', () => {
    expect(window({ 'time-from': '1h30m' }).timeFrom).toBe(utc(NOW_MS - 90 * 60_000));
  });

  it('keeps a 30-day start a minute inside the limit', () => {
    expect(window({ 'time-from': '30d' }).timeFrom).toBe(utc(NOW_MS - 30 * DAY_MS + 60_000));
  });

  it('accepts a timestamp exactly 30 days ago', () => {
    const start = new Date(NOW_MS - 30 * DAY_MS).toISOString();

    expect(window({ 'time-from': start }).timeFrom).toBe(utc(NOW_MS - 30 * DAY_MS));
  });

  it('writes absolute bounds in UTC with microseconds', () => {
    const selection = window({
      'time-from': '2026-03-02T10:00:00.123456+02:00',
      'time-to': '2026-03-02T06:30:00-05:30',
    });

    expect(selection.timeFrom).toBe('2026-03-02T08:00:00.123456+00:00');
    expect(selection.timeTo).toBe('2026-03-02T12:00:00.000000+00:00');
  });

  it('accepts time-to equal to now', () => {
    expect(window({ 'time-to': '0s' }).timeTo).toBe(utc(NOW_MS));
  });

  it('accepts time-to equal to time-from', () => {
    const selection = window({ 'time-from': '1h', 'time-to': '60m' });

    expect(selection.timeTo).toBe(selection.timeFrom);
  });

  it.each([
    ['running', 'IN_PROGRESS'],
    ['RUNNING', 'IN_PROGRESS'],
    ['QUEUED', 'PENDING'],
    ['queued', 'PENDING'],
    ['in_progress', 'IN_PROGRESS'],
    ['in-progress', 'IN_PROGRESS'],
    ['Failed', 'FAILED'],
    [' CONFLICT ', 'CONFLICT'],
  ])('reads status %j as %s', (text, status) => {
    expect(window({ status: text }).status).toBe(status);
  });
});

describe('parseSettings thresholds', () => {
  it('reads counts and percentages', () => {
    const settings = parseSettings(
      inputs({ 'max-failed-items': '12', 'max-conflict-items': '2%', 'max-skipped-items': '2.5%' }),
      NOW_MS,
    );

    expect(settings.maxFailedItems).toEqual({ kind: 'count', value: 12, text: '12' });
    expect(settings.maxConflictItems).toEqual({ kind: 'percent', value: 2, text: '2%' });
    expect(settings.maxSkippedItems).toEqual({ kind: 'percent', value: 2.5, text: '2.5%' });
  });

  it('accepts 0% and 100%', () => {
    const settings = parseSettings(inputs({ 'max-failed-items': '0%', 'max-conflict-items': '100%' }), NOW_MS);

    expect(settings.maxFailedItems).toEqual({ kind: 'percent', value: 0, text: '0%' });
    expect(settings.maxConflictItems).toEqual({ kind: 'percent', value: 100, text: '100%' });
  });

  it('accepts a space before the percent sign', () => {
    const settings = parseSettings(inputs({ 'max-failed-items': ' 5 % ' }), NOW_MS);

    expect(settings.maxFailedItems).toEqual({ kind: 'percent', value: 5, text: '5%' });
  });

  it('treats empty max-skipped-items as no limit', () => {
    expect(parseSettings(inputs({ 'max-skipped-items': '  ' }), NOW_MS).maxSkippedItems).toBeNull();
  });
});

describe('parseSettings statuses and booleans', () => {
  it('reads legacy and lower-case fail-on-status entries', () => {
    const settings = parseSettings(inputs({ 'fail-on-status': 'failed, running\nQUEUED,cancelled' }), NOW_MS);

    expect(settings.failOnStatus).toEqual(['FAILED', 'IN_PROGRESS', 'PENDING', 'CANCELLED']);
  });

  it('removes duplicate fail-on-status entries', () => {
    expect(parseSettings(inputs({ 'fail-on-status': 'FAILED,failed, Failed' }), NOW_MS).failOnStatus).toEqual([
      'FAILED',
    ]);
  });

  it('reads empty fail-on-status as none', () => {
    expect(parseSettings(inputs({ 'fail-on-status': '' }), NOW_MS).failOnStatus).toEqual([]);
  });

  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    [' false ', false],
    ['False', false],
    ['FALSE', false],
  ])('reads boolean %j', (text, value) => {
    const settings = parseSettings(inputs({ wait: text, summary: text, 'fail-if-no-jobs': text }), NOW_MS);

    expect(settings.wait).toBe(value);
    expect(settings.summary).toBe(value);
    expect(settings.failIfNoJobs).toBe(value);
  });
});

describe('parseBaseUrl', () => {
  it.each([
    ['http://127.0.0.1:8080/api/v1', 'http://127.0.0.1:8080/api/v1'],
    ['http://127.1.2.3/api', 'http://127.1.2.3/api'],
    ['http://localhost:3000/api/v1/', 'http://localhost:3000/api/v1'],
    ['http://LOCALHOST:3000', 'http://localhost:3000'],
    ['http://emulator.localhost:3000/api', 'http://emulator.localhost:3000/api'],
    ['http://[::1]:9000/api/v1', 'http://[::1]:9000/api/v1'],
  ])('allows http loopback %s', (text, url) => {
    expect(parseBaseUrl(text)).toBe(url);
  });

  it.each([
    ['https://ecom.marqo-ep.ai/api/v1/', 'https://ecom.marqo-ep.ai/api/v1'],
    ['https://ecom.marqo-ep.ai/api/v1///', 'https://ecom.marqo-ep.ai/api/v1'],
    ['https://ecom.marqo-ep.ai/', 'https://ecom.marqo-ep.ai'],
    ['  https://ecom.marqo-ep.ai/api/v1  ', 'https://ecom.marqo-ep.ai/api/v1'],
    ['https://ecom.marqo-ep.ai:443/api/v1', 'https://ecom.marqo-ep.ai/api/v1'],
  ])('normalises %j', (text, url) => {
    expect(parseBaseUrl(text)).toBe(url);
  });

  it('is applied by parseSettings', () => {
    expect(parseSettings(inputs({ 'base-url': 'http://127.0.0.1:18081/api/v1/' }), NOW_MS).baseUrl).toBe(
      'http://127.0.0.1:18081/api/v1',
    );
  });
});
