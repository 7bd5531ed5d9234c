/**
 * Properties of the parsers that take untrusted text: API responses, markdown input and action
 * inputs. Each either returns a value or throws its own documented error, whatever it is given.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JOB_STATUSES, parseJob, parseJobList, ResponseFormatError } from '../../src/marqo/job.ts';
import { code, escapeMarkdown } from '../../src/report/escape.ts';
import { INPUT_NAMES, InputError, parseSettings, type RawInputs } from '../../src/settings.ts';

const NOW_MS = Date.UTC(2026, 2, 2, 12, 0, 0);
const DELETE = Symbol('delete');

/** Runs `parse` and returns what it threw, or null when it returned. */
function thrown(parse: () => unknown): unknown {
  try {
    parse();
    return null;
  } catch (error) {
    return error;
  }
}

/** Checks that `error` is null or a ResponseFormatError whose message names its field. */
function expectFieldError(error: unknown): asserts error is ResponseFormatError | null {
  if (error === null) return;
  expect(error).toBeInstanceOf(ResponseFormatError);
  const { field, message } = error as ResponseFormatError;
  expect(field).not.toBe('');
  expect(message.startsWith(`field ${field} should be `)).toBe(true);
}

const timestamp = fc
  .tuple(
    fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
    fc.integer({ min: 0, max: 999_999 }),
    fc.constantFrom('+00:00', 'Z', '+05:30', '-03:00', '+0100'),
  )
  .map(([date, micros, offset]) => `${date.toISOString().slice(0, 19)}.${String(micros).padStart(6, '0')}${offset}`);

const idLists = fc.dictionary(fc.string(), fc.array(fc.string(), { maxLength: 5 }), { maxKeys: 3 });
const counts = fc.dictionary(fc.string(), fc.nat(), { maxKeys: 3 });

/** A job object with every documented field, each of the documented type. */
const apiJob = fc.record({
  jobId: fc.string({ minLength: 1 }),
  jobType: fc.constantFrom('BULK', 'WEBHOOK', 'COLLECTION_PATCH'),
  jobStatus: fc.constantFrom(...JOB_STATUSES, 'queued', 'Running', 'completed', 'EXPLODED'),
  platformData: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  totalItems: fc.nat(),
  processedItems: fc.nat(),
  failedItems: fc.nat(),
  skippedItems: fc.nat(),
  conflictItems: fc.nat(),
  errorMessage: fc.option(fc.string()),
  failedItemsDetails: idLists,
  errorSummary: counts,
  skippedItemsDetails: idLists,
  skippedSummary: counts,
  conflictDetails: fc.dictionary(fc.string(), fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }), {
    maxKeys: 3,
  }),
  conflictSummary: counts,
  createdAt: timestamp,
  startedAt: fc.option(timestamp),
  completedAt: fc.option(timestamp),
  progressPercentage: fc.double({ min: 0, max: 100, noNaN: true }),
  estimatedTimeMinutes: fc.option(fc.nat()),
});

const JOB_FIELDS = [
  'jobId',
  'jobType',
  'jobStatus',
  'platformData',
  'totalItems',
  'processedItems',
  'failedItems',
  'skippedItems',
  'conflictItems',
  'errorMessage',
  'failedItemsDetails',
  'errorSummary',
  'skippedItemsDetails',
  'skippedSummary',
  'conflictDetails',
  'conflictSummary',
  'createdAt',
  'startedAt',
  'completedAt',
  'progressPercentage',
  'estimatedTimeMinutes',
] as const;

/** A replacement for a field: deleted, or a value of any JSON type. */
const replacement = fc.oneof(fc.constant<typeof DELETE>(DELETE), fc.jsonValue({ maxDepth: 2 }));

/** Applies deletions and type swaps to a copy of `object`. */
function mutate(object: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...object };
  for (const [key, value] of Object.entries(changes)) {
    if (value === DELETE) delete copy[key];
    else copy[key] = value;
  }
  return copy;
}

const changes = fc.dictionary(fc.constantFrom(...JOB_FIELDS), replacement, { maxKeys: 6 });
const mutatedJob = fc.tuple(apiJob, changes).map(([job, change]) => mutate(job, change));

describe('parseJob properties', () => {
  it('reads any JSON value or names a field', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expectFieldError(thrown(() => parseJob(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps every field of a valid job', () => {
    fc.assert(
      fc.property(apiJob, (value) => {
        const job = parseJob(value);
        expect(job.jobId).toBe(value.jobId);
        expect(job.rawStatus).toBe(value.jobStatus);
        expect(job.totalItems).toBe(value.totalItems);
        expect(job.failedItems).toBe(value.failedItems);
        expect({ ...job.failedItemsDetails }).toEqual({ ...value.failedItemsDetails });
        expect({ ...job.skippedItemsDetails }).toEqual({ ...value.skippedItemsDetails });
        expect(job.errorMessage).toBe(value.errorMessage);
        expect(job.raw).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('reads mutated jobs or names a field', () => {
    fc.assert(
      fc.property(mutatedJob, (value) => {
        expectFieldError(thrown(() => parseJob(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it('names the one field that changed', () => {
    fc.assert(
      fc.property(apiJob, fc.constantFrom(...JOB_FIELDS), replacement, (job, key, value) => {
        const error = thrown(() => parseJob(mutate(job, { [key]: value })));
        expectFieldError(error);
        if (error !== null) expect(error.field === key || error.field.startsWith(`${key}.`)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

const LIST_FIELDS = [
  'jobs',
  'total',
  'totalDocs',
  'hasActiveJob',
  'jobsByStatus',
  'docsByStatus',
  'timeFrom',
  'timeTo',
] as const;

const apiList = fc.record({
  jobs: fc.array(mutatedJob, { maxLength: 4 }),
  total: fc.nat(),
  totalDocs: fc.nat(),
  hasActiveJob: fc.boolean(),
  jobsByStatus: counts,
  docsByStatus: counts,
  timeFrom: timestamp,
  timeTo: timestamp,
});

describe('parseJobList properties', () => {
  it('reads any JSON value or names a field', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expectFieldError(thrown(() => parseJobList(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads mutated lists or names a field', () => {
    const lists = fc
      .tuple(apiList, fc.dictionary(fc.constantFrom(...LIST_FIELDS), replacement, { maxKeys: 3 }))
      .map(([list, change]) => mutate(list, change));
    fc.assert(
      fc.property(lists, (value) => {
        const error = thrown(() => parseJobList(value));
        expectFieldError(error);
        if (error !== null && /^jobs\[\d+\]/.test(error.field)) expect(Array.isArray(value.jobs)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps every job of a valid list', () => {
    fc.assert(
      fc.property(fc.array(apiJob, { maxLength: 5 }), apiList, (jobs, list) => {
        const parsed = parseJobList({ ...list, jobs });
        expect(parsed.jobs.map((job) => job.jobId)).toEqual(jobs.map((job) => job.jobId));
        expect(parsed.total).toBe(list.total);
        expect(parsed.timeFrom).toBe(list.timeFrom);
      }),
      { numRuns: 300 },
    );
  });
});

describe('escapeMarkdown properties', () => {
  const texts = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc
      .array(
        fc.constantFrom(
          '<',
          '>',
          '|',
          '`',
          '@',
          'octocat',
          '\n',
          '\r',
          '\u2028',
          '&',
          '#',
          '</details>',
          '::error::',
          '\\',
          ' ',
        ),
        { maxLength: 20 },
      )
      .map((parts) => parts.join('')),
  );

  it('leaves no markup characters', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const escaped = escapeMarkdown(text);
        expect(escaped).not.toMatch(/[<|`\n\r\u2028\u2029]/);
        expect(escaped).not.toMatch(/@\w/);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps code spans closed', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const span = code(text);
        expect(span.startsWith('<code>')).toBe(true);
        expect(span.endsWith('</code>')).toBe(true);
        expect(span.slice(6, -7)).not.toMatch(/[<|`]/);
      }),
      { numRuns: 1000 },
    );
  });
});

/** Generates a value for one input: one that parses, or any string. */
function inputValue(valid: string[]): fc.Arbitrary<string> {
  // Mostly valid values, so that many runs get past the first input to the later checks.
  return fc.oneof(
    { arbitrary: fc.constantFrom(...valid), weight: 12 },
    { arbitrary: fc.string(), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary' }), weight: 1 },
  );
}

const VALID_INPUTS: Record<(typeof INPUT_NAMES)[number], string[]> = {
  'api-key': ['mq-key-0123'],
  'index-name': ['catalog', 'cat alog/ü'],
  'job-id': ['', 'job-1', 'job-1, job-2', '{"jobId": "job-1"}', '["job-1", {"jobId": "job-2"}]'],
  'time-from': ['', '2h', '7d', '2026-03-01T09:15:04.120931+00:00', '30d'],
  'time-to': ['', '1h', '2026-03-02T09:15:04Z'],
  status: ['', 'FAILED', 'running', 'queued'],
  wait: ['true', 'false'],
  timeout: ['30m', '90s', '1h30m'],
  'poll-interval': ['5s', '1s', '500ms'],
  'max-failed-items': ['0', '12', '2%', '100%'],
  'max-conflict-items': ['0', '0.5%'],
  'max-skipped-items': ['', '3'],
  'fail-on-status': ['CANCELLED', '', 'CANCELLED,FAILED'],
  'fail-if-no-jobs': ['false', 'true'],
  summary: ['true', 'false'],
  'base-url': ['https://ecom.marqo-ep.ai/api/v1', 'http://127.0.0.1:8089/api/v1', 'http://example.com'],
  'comment-on-pr': ['false', 'true'],
  'github-token': ['', 'ghs_token'],
};

const rawInputs: fc.Arbitrary<RawInputs> = fc.record(
  Object.fromEntries(INPUT_NAMES.map((name) => [name, inputValue(VALID_INPUTS[name])])) as Record<
    keyof RawInputs,
    fc.Arbitrary<string>
  >,
);

describe('parseSettings properties', () => {
  it('returns settings or throws InputError', () => {
    let parsed = 0;
    fc.assert(
      fc.property(rawInputs, (inputs) => {
        const error = thrown(() => parseSettings(inputs, NOW_MS));
        if (error === null) parsed += 1;
        else {
          expect(error).toBeInstanceOf(InputError);
          expect((error as InputError).message).toMatch(/^Invalid input [a-z-]+: /);
        }
      }),
      { numRuns: 2000 },
    );
    // The generator reaches the end of parseSettings, not only its first checks.
    expect(parsed).toBeGreaterThan(0);
  });

  it('names the input it rejects', () => {
    fc.assert(
      fc.property(rawInputs, (inputs) => {
        const error = thrown(() => parseSettings(inputs, NOW_MS));
        if (error instanceof InputError) expect(error.message.startsWith(`Invalid input ${error.input}: `)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
