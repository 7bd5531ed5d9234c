/**
 * ISO 8601 timestamps at microsecond precision. Times are integer microseconds since the Unix
 * epoch, held in a `number`: dates up to the year 2255 stay below 2^53, so they are exact.
 */

export const US_PER_MS = 1_000;
export const US_PER_SECOND = 1_000_000;
export const US_PER_DAY = 86_400 * US_PER_SECOND;

// Date and time, an optional fraction, and a required offset (Z, +hh:mm or +hhmm).
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

export type ParsedTimestamp = { ok: true; us: number } | { ok: false; reason: string };

/**
 * Parses an ISO 8601 timestamp with a `Z` or numeric offset and up to 6 fraction digits.
 * The fraction is read digit by digit, because `Date.parse` drops everything below a millisecond.
 */
export function parseTimestamp(text: string): ParsedTimestamp {
  const match = ISO_TIMESTAMP.exec(text);
  if (match === null) {
    return {
      ok: false,
      reason: 'expected an ISO 8601 timestamp with an offset, such as 2026-03-02T09:15:04.120931+00:00',
    };
  }
  const [, year, month, day, hour, minute, second, fraction, zulu, sign, offsetHours, offsetMinutes] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = fields;

  if (fraction !== undefined && fraction.length > 6) {
    return { ok: false, reason: 'the fraction of a second has more than 6 digits' };
  }
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    return { ok: false, reason: 'the date or time is out of range' };
  }

  let offsetUs = 0;
  if (zulu === undefined) {
    const oh = Number(offsetHours);
    const om = Number(offsetMinutes);
    if (oh > 23 || om > 59) {
      return { ok: false, reason: 'the offset is out of range' };
    }
    offsetUs = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60 * US_PER_SECOND;
  }

  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  const fractionUs = fraction === undefined ? 0 : Number(fraction.padEnd(6, '0'));
  return { ok: true, us: date.getTime() * US_PER_MS + fractionUs - offsetUs };
}

/** Formats microseconds since the epoch as `2026-03-02T09:15:04.120931+00:00`. */
export function formatTimestamp(us: number): string {
  const fractionUs = ((us % US_PER_SECOND) + US_PER_SECOND) % US_PER_SECOND;
  const wholeSecondsMs = (us - fractionUs) / US_PER_MS;
  const seconds = new Date(wholeSecondsMs).toISOString().slice(0, 19);
  return `${seconds}.${String(fractionUs).padStart(6, '0')}+00:00`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
