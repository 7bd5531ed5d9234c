import { describe, expect, it } from 'vitest';
import { formatDuration, formatTimestamp, microsFromMs, parseDuration, parseTimestamp } from '../../src/time.ts';

const BASE_MS = Date.UTC(2026, 2, 2, 9, 15, 4);

describe('parseTimestamp', () => {
  it('keeps microseconds', () => {
    const parsed = parseTimestamp('2026-03-02T09:15:04.120931+00:00');

    expect(parsed).not.toBeNull();
    expect(parsed?.micros).toBe(BASE_MS * 1000 + 120_931);
    expect(parsed?.hasOffset).toBe(true);
  });

  it('pads short fractions and cuts long ones', () => {
    expect(parseTimestamp('2026-03-02T09:15:04.1Z')?.micros).toBe(BASE_MS * 1000 + 100_000);
    expect(parseTimestamp('2026-03-02T09:15:04.120Z')?.micros).toBe(BASE_MS * 1000 + 120_000);
    expect(parseTimestamp('2026-03-02T09:15:04.120931999Z')?.micros).toBe(BASE_MS * 1000 + 120_931);
  });

  it.each([
    ['+02:00', -2 * 60],
    ['-05:30', 5 * 60 + 30],
    ['+0530', -(5 * 60 + 30)],
    ['+02', -2 * 60],
    ['Z', 0],
    ['z', 0],
    ['+00:00', 0],
  ])('applies offset %s', (offset, minutesToUtc) => {
    const parsed = parseTimestamp(`2026-03-02T09:15:04.000001${offset}`);

    expect(parsed?.micros).toBe((BASE_MS + minutesToUtc * 60_000) * 1000 + 1);
    expect(parsed?.hasOffset).toBe(true);
  });

  it('reads a timestamp without offset as UTC', () => {
    const parsed = parseTimestamp('2026-03-02T09:15:04.5');

    expect(parsed?.micros).toBe(BASE_MS * 1000 + 500_000);
    expect(parsed?.hasOffset).toBe(false);
  });

  it('accepts a date alone and a space separator', () => {
    expect(parseTimestamp('2026-03-02')?.micros).toBe(Date.UTC(2026, 2, 2) * 1000);
    expect(parseTimestamp('2026-03-02 09:15:04Z')?.micros).toBe(BASE_MS * 1000);
    expect(parseTimestamp('  2026-03-02T09:15:04Z  ')?.micros).toBe(BASE_MS * 1000);
  });

  it.each([
    '2026-02-31T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2026-04-31',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-03-00T00:00:00Z',
    '2026-03-02T24:00:00Z',
    '2026-03-02T09:60:00Z',
    '2026-03-02T09:15:04+24:00',
    '2026-03-02T09:15:04+02:60',
    '2026-03-02T09:15:04 UTC',
    'yesterday',
    '',
    '1772442904',
    '2026-3-2',
  ])('rejects %j', (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });

  it('accepts 29 February of a leap year', () => {
    expect(parseTimestamp('2028-02-29T00:00:00Z')?.micros).toBe(Date.UTC(2028, 1, 29) * 1000);
  });
});

describe('formatTimestamp', () => {
  it('writes microseconds and +00:00', () => {
    expect(formatTimestamp(BASE_MS * 1000 + 120_931)).toBe('2026-03-02T09:15:04.120931+00:00');
    expect(formatTimestamp(BASE_MS * 1000)).toBe('2026-03-02T09:15:04.000000+00:00');
    expect(formatTimestamp(BASE_MS * 1000 + 7)).toBe('2026-03-02T09:15:04.000007+00:00');
  });

  it('round-trips at microsecond precision', () => {
    const samples = [
      '2026-03-02T09:15:04.120931+00:00',
      '2026-03-02T09:15:04.000001+00:00',
      '2026-03-02T09:15:04.999999+00:00',
      '2026-12-31T23:59:59.999999+00:00',
      '2024-02-29T00:00:00.000000+00:00',
    ];
    for (const text of samples) {
      const parsed = parseTimestamp(text);
      expect(parsed).not.toBeNull();
      expect(formatTimestamp(parsed?.micros ?? 0)).toBe(text);
    }
  });

  it('converts other offsets to UTC', () => {
    const parsed = parseTimestamp('2026-03-02T11:15:04.120931+02:00');

    expect(formatTimestamp(parsed?.micros ?? 0)).toBe('2026-03-02T09:15:04.120931+00:00');
  });

  it('round-trips every microsecond of a millisecond', () => {
    for (let micro = 0; micro < 1000; micro += 1) {
      const micros = BASE_MS * 1000 + 120_000 + micro;
      expect(parseTimestamp(formatTimestamp(micros))?.micros).toBe(micros);
    }
  });
});

describe('microsFromMs', () => {
  it('multiplies by 1000 and rounds', () => {
    expect(microsFromMs(BASE_MS)).toBe(BASE_MS * 1000);
    expect(microsFromMs(1.0004)).toBe(1000);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['45m', 45 * 60_000],
    ['2h', 2 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['1h30m', 90 * 60_000],
    ['1h 30m', 90 * 60_000],
    ['500ms', 500],
    ['1m500ms', 60_500],
    ['1.5h', 90 * 60_000],
    ['0.5s', 500],
    ['2H', 2 * 3_600_000],
    [' 90s ', 90_000],
    ['0s', 0],
  ])('reads %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['600', '1.5', '', 's', '5 minutes', '5min', '-5s', '5w', '1h30', 'h1', '5s!', '1e3s', 'NaN', 'Infinity'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [999.4, '999 ms'],
    [1000, '1 s'],
    [42_000, '42 s'],
    [60_000, '1 min'],
    [185_000, '3 min 5 s'],
    [3_600_000, '1 h'],
    [2 * 3_600_000 + 10 * 60_000, '2 h 10 min'],
    [47 * 3_600_000, '47 h'],
    [48 * 3_600_000, '2 d'],
    [3 * 86_400_000 + 5 * 3_600_000, '3 d 5 h'],
  ])('formats %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('rounds 59.6 s up to 1 min', () => {
    expect(formatDuration(59_600)).toBe('1 min');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('gives unknown for %d', (ms) => {
    expect(formatDuration(ms)).toBe('unknown');
  });
});
