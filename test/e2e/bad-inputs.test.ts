/**
 * End-to-end tests of invalid inputs: each one fails the step before any request, with an error
 * that names the input, the value and what is expected, and still sets every output.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  INVALID_INPUT_OUTPUTS,
  cleanUp,
  errorMessages,
  expectOutputs,
  finishedJob,
  logLines,
  runGate,
  startApi,
  summaryText,
} from './fixtures.ts';

afterAll(cleanUp);

const IN_AN_HOUR = new Date(Date.now() + 3_600_000).toISOString();
const FORTY_DAYS_AGO = new Date(Date.now() - 40 * 86_400_000).toISOString();

interface BadInputCase {
  name: string;
  inputs: Record<string, string>;
  /** The input the error names. */
  input: string;
  /** The value the error quotes, or null when the input is empty. */
  value: string | null;
  /** The expectation the error states. */
  expected: string;
}

const CASES: BadInputCase[] = [
  {
    name: 'unknown duration',
    inputs: { 'poll-interval': '10x' },
    input: 'poll-interval',
    value: '10x',
    expected: 'is not a duration. Use a number with a unit: ms, s, m, h or d (90s, 45m, 2h, 1h30m).',
  },
  {
    name: 'bare-number duration',
    inputs: { timeout: '600' },
    input: 'timeout',
    value: '600',
    expected: 'Add a unit, for example 600s or 600m.',
  },
  {
    name: 'zero timeout',
    inputs: { timeout: '0s' },
    input: 'timeout',
    value: '0s',
    expected: 'must be longer than zero',
  },
  {
    name: 'poll-interval under 1s',
    inputs: { 'poll-interval': '500ms' },
    input: 'poll-interval',
    value: '500ms',
    expected: 'is shorter than 1s. Use 1s or more',
  },
  {
    name: 'negative threshold',
    inputs: { 'max-failed-items': '-1' },
    input: 'max-failed-items',
    value: '-1',
    expected: 'is negative. Use a count of 0 or more (12) or a percentage (2%).',
  },
  {
    name: 'non-numeric threshold',
    inputs: { 'max-conflict-items': 'few' },
    input: 'max-conflict-items',
    value: 'few',
    expected: 'is not a whole number or a percentage. Use a count of 0 or more (12) or a percentage (2%).',
  },
  {
    name: 'percentage over 100',
    inputs: { 'max-skipped-items': '150%' },
    input: 'max-skipped-items',
    value: '150%',
    expected: 'is over 100%. Use a percentage from 0% to 100%.',
  },
  {
    name: 'time-from 31 days ago',
    inputs: { 'time-from': '31d' },
    input: 'time-from',
    value: '31d',
    expected: 'is more than 30 days ago.',
  },
  {
    name: 'time-from timestamp 40 days ago',
    inputs: { 'time-from': FORTY_DAYS_AGO },
    input: 'time-from',
    value: FORTY_DAYS_AGO,
    expected: 'is more than 30 days ago.',
  },
  {
    name: 'time-from in the future',
    inputs: { 'time-from': IN_AN_HOUR },
    input: 'time-from',
    value: IN_AN_HOUR,
    expected: 'is in the future. Use a start before now.',
  },
  {
    name: 'time-to in the future',
    inputs: { 'time-to': IN_AN_HOUR },
    input: 'time-to',
    value: IN_AN_HOUR,
    expected: 'is in the future. Use a time before now, or leave time-to empty for now.',
  },
  {
    name: 'time-to before time-from',
    inputs: { 'time-from': '1h', 'time-to': '2h' },
    input: 'time-to',
    value: '2h',
    expected: 'is before time-from "1h". Use an end after the start.',
  },
  {
    name: 'unknown status',
    inputs: { status: 'DONE' },
    input: 'status',
    value: 'DONE',
    expected: 'is not a job status. Use one of PENDING, IN_PROGRESS, COMPLETED, FAILED, CONFLICT, CANCELLED.',
  },
  {
    name: 'unknown fail-on-status entry',
    inputs: { 'fail-on-status': 'CANCELLED,BROKEN' },
    input: 'fail-on-status',
    value: 'BROKEN',
    expected: 'is not a job status. Use one of PENDING, IN_PROGRESS, COMPLETED, FAILED, CONFLICT, CANCELLED.',
  },
  {
    name: 'empty index name',
    inputs: { 'index-name': '' },
    input: 'index-name',
    value: null,
    expected: 'is empty. Give the name of the Marqo Ecommerce index whose jobs to watch.',
  },
  {
    name: 'blank index name',
    inputs: { 'index-name': '   ' },
    input: 'index-name',
    value: null,
    expected: 'is empty. Give the name of the Marqo Ecommerce index whose jobs to watch.',
  },
  {
    name: 'empty api-key',
    inputs: { 'api-key': '' },
    input: 'api-key',
    value: null,
    expected: 'is empty. Pass the Marqo API key',
  },
  {
    name: 'remote http base URL',
    inputs: { 'base-url': 'http://example.com/api/v1' },
    input: 'base-url',
    value: 'http://example.com/api/v1',
    expected: 'uses http. The API key must not cross the network unencrypted: use https',
  },
  {
    name: 'job-id with time-from',
    inputs: { 'job-id': 'job-a', 'time-from': '1h' },
    input: 'job-id',
    value: 'job-a',
    expected: 'cannot be combined with time-from, which is set to "1h". Give job IDs to watch those jobs, or a window',
  },
  {
    name: 'job-id with time-to',
    inputs: { 'job-id': 'job-a', 'time-to': '5m' },
    input: 'job-id',
    value: 'job-a',
    expected: 'cannot be combined with time-to, which is set to "5m".',
  },
  {
    name: 'job-id with status',
    inputs: { 'job-id': 'job-a', status: 'FAILED' },
    input: 'job-id',
    value: 'job-a',
    expected: 'cannot be combined with status, which is set to "FAILED".',
  },
  {
    name: 'invalid JSON job-id',
    inputs: { 'job-id': '{"jobId": ' },
    input: 'job-id',
    value: '{"jobId":',
    expected: 'looks like JSON but does not parse',
  },
  {
    name: 'non-boolean wait',
    inputs: { wait: 'yes' },
    input: 'wait',
    value: 'yes',
    expected: 'is not a boolean. Use true or false.',
  },
];

describe.concurrent('invalid input', () => {
  it.each(CASES)('rejects $name', async ({ inputs, input, value, expected }) => {
    const emulator = await startApi({ jobs: [finishedJob('job-a')] });
    const run = await runGate(emulator, inputs);

    expect(emulator.requests).toEqual([]);
    expect(run.exitCode).toBe(1);
    await expectOutputs(run, INVALID_INPUT_OUTPUTS);

    const errors = errorMessages(run);
    expect(errors).toHaveLength(1);
    const message = errors[0] ?? '';
    expect(message.startsWith(`Invalid input ${input}: `)).toBe(true);
    if (value !== null) expect(message).toContain(JSON.stringify(value));
    expect(message).toContain(expected);

    // Nothing but the masks and the error reaches the log: no settings line, no request, no retry.
    const otherLines = logLines(run).filter(
      (line) => line !== '' && !line.startsWith('::add-mask::') && !line.startsWith('::error::'),
    );
    expect(otherLines).toEqual([]);

    const summary = summaryText(run);
    expect(summary.startsWith('## ❌ Marqo jobs not checked: invalid input\n')).toBe(true);
    expect(summary).toContain(message);
    expect(summary).toContain('No request was sent to the API.');
  });
});
