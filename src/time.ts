// Marqo timestamps carry microseconds (`2026-03-02T09:15:04.120931+00:00`), which a JavaScript
// Date would round to milliseconds. Paging a window by `createdAt` needs the exact value, so
// timestamps are handled here as whole microseconds since the Unix epoch. Such numbers stay
// below 2^53 until the year 2255, so a plain number is exact.

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export interface ParsedTimestamp {
  micros: number;
  /** Whether the text named its offset; a timestamp without one is read as UTC. */
  hasOffset: boolean;
}

/** Parses an ISO 8601 timestamp to microseconds since the epoch, or returns null when it is not one. */
export function parseTimestamp(text: string): ParsedTimestamp | null {
  const match = ISO_PATTERN.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;

  const epochMs = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 31 February into March; a round trip catches it.
  const check = new Date(epochMs);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return null;

  const micros = Number((fraction + '000000').slice(0, 6));
  let offsetMinutes = 0;
  if (offset && offset.toUpperCase() !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMins = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = sign * (offsetHours * 60 + offsetMins);
  }
  return {
    micros: (epochMs - offsetMinutes * 60_000) * 1000 + micros,
    hasOffset: offset !== undefined,
  };
}

/** Formats microseconds since the epoch the way the Marqo API writes timestamps. */
export function formatTimestamp(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const fraction = String(micros - ms * 1000).padStart(3, '0');
  const iso = new Date(ms).toISOString(); // 2026-03-02T09:15:04.120Z
  return `${iso.slice(0, 23)}${fraction}+00:00`;
}

export function microsFromMs(ms: number): number {
  return Math.round(ms * 1000);
}

/** Formats a duration in milliseconds in human units: `850 ms`, `42 s`, `3 min 5 s`, `2 h 10 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (totalMinutes < 60) return seconds ? `${totalMinutes} min ${seconds} s` : `${totalMinutes} min`;
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (hours < 48) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours ? `${days} d ${restHours} h` : `${days} d`;
}

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Parses a duration such as `90s`, `45m`, `2h`, `7d`, `1h30m` or `500ms` to milliseconds.
 * Returns null for anything else, a bare number included, because `600` could mean
 * seconds or minutes.
 */
export function parseDuration(text: string): number | null {
  const compact = text.trim().toLowerCase().replace(/\s+/g, '');
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(compact)) return null;
  let total = 0;
  for (const part of compact.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    const [, amount, unit] = part;
    total += Number(amount) * (DURATION_UNITS_MS[unit ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : null;
}
