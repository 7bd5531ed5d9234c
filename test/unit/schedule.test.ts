import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FIRST_PAUSE_MS,
  nextPauseMs,
  ProgressTracker,
  type ActiveJobProgress,
  type PauseInput,
} from '../../src/schedule.ts';

const NOW = 1_772_442_904_000;

function active(overrides: Partial<ActiveJobProgress> = {}): ActiveJobProgress {
  return { etaAt: null, progressPercentage: null, estimatedTimeMinutes: null, ...overrides };
}

function pause(overrides: Partial<PauseInput>): number {
  return nextPauseMs({
    pollIntervalMs: 5000,
    pollCount: 1,
    overdueStreak: 0,
    now: NOW,
    active: [active()],
    ...overrides,
  });
}

describe('nextPauseMs warm-up', () => {
  it('starts at one second', () => {
    expect(FIRST_PAUSE_MS).toBe(1000);
    expect(pause({ pollCount: 1 })).toBe(1000);
    expect(pause({ pollCount: 0 })).toBe(1000);
  });

  it('grows by half each poll up to the interval', () => {
    const pauses = [1, 2, 3, 4, 5, 6].map((pollCount) => pause({ pollCount }));

    expect(pauses).toEqual([1000, 1500, 2250, 3375, 5000, 5000]);
  });

  it('stays at the interval after many polls', () => {
    expect(pause({ pollCount: 10_000, pollIntervalMs: 60_000 })).toBe(60_000);
  });

  it('uses one second when no job is active', () => {
    expect(pause({ active: [], pollCount: 50 })).toBe(1000);
  });

  it('keeps the first pause under a one-second interval', () => {
    expect(pause({ pollIntervalMs: 1000, pollCount: 1 })).toBe(1000);
    expect(pause({ pollIntervalMs: 1000, pollCount: 8 })).toBe(1000);
  });

  it('stays short for a job near its end', () => {
    expect(pause({ pollCount: 8, active: [active({ progressPercentage: 95 })] })).toBe(1000);
    expect(pause({ pollCount: 8, active: [active({ progressPercentage: 90 })] })).toBe(1000);
    expect(pause({ pollCount: 8, active: [active({ estimatedTimeMinutes: 0 })] })).toBe(1000);
    expect(pause({ pollCount: 8, active: [active({ progressPercentage: 89.9 })] })).toBe(5000);
  });
});

describe('nextPauseMs estimated end', () => {
  it('polls just after the estimated end', () => {
    expect(pause({ pollCount: 1, active: [active({ etaAt: NOW + 3000 })] })).toBe(3250);
  });

  it('waits for the last of several jobs', () => {
    const jobs = [active({ etaAt: NOW + 1000 }), active({ etaAt: NOW + 4000 }), active({ etaAt: NOW + 2000 })];

    expect(pause({ active: jobs })).toBe(4250);
  });

  it('caps a far estimate at the interval', () => {
    expect(pause({ active: [active({ etaAt: NOW + 3_600_000 })] })).toBe(5000);
  });

  it('keeps at least 300 ms', () => {
    expect(pause({ active: [active({ etaAt: NOW + 10 })] })).toBe(300);
    expect(pause({ active: [active({ etaAt: NOW - 100 })] })).toBe(300);
  });

  it('falls back to warm-up when one job has no estimate', () => {
    const jobs = [active({ etaAt: NOW + 4000 }), active({ etaAt: null })];

    expect(pause({ pollCount: 2, active: jobs })).toBe(1500);
  });
});

describe('nextPauseMs overdue backoff', () => {
  it('starts at 500 ms past the estimate', () => {
    expect(pause({ overdueStreak: 0, active: [active({ etaAt: NOW - 5000 })] })).toBe(500);
  });

  it('doubles with each overdue poll', () => {
    const pauses = [1, 2, 3, 4].map((overdueStreak) =>
      pause({ overdueStreak, active: [active({ etaAt: NOW - 5000 })] }),
    );

    expect(pauses).toEqual([1000, 2000, 4000, 5000]);
  });

  it('backs off even when a new estimate lies ahead', () => {
    expect(pause({ overdueStreak: 2, active: [active({ etaAt: NOW + 200 })] })).toBe(2000);
  });

  it('stays finite after a very long streak', () => {
    expect(pause({ overdueStreak: 5000, active: [active({ etaAt: NOW - 1 })] })).toBe(5000);
  });
});

describe('nextPauseMs bounds', () => {
  it('never exceeds the poll interval', () => {
    const job = fc.record({
      etaAt: fc.option(fc.integer({ min: NOW - 86_400_000, max: NOW + 86_400_000 })),
      progressPercentage: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
      estimatedTimeMinutes: fc.option(fc.integer({ min: 0, max: 10_000 })),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 6 * 3_600_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.array(job, { maxLength: 8 }),
        (pollIntervalMs, pollCount, overdueStreak, jobs) => {
          const result = nextPauseMs({ pollIntervalMs, pollCount, overdueStreak, now: NOW, active: jobs });
          expect(result).toBeLessThanOrEqual(pollIntervalMs);
          expect(result).toBeGreaterThanOrEqual(300);
          expect(Number.isInteger(result)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('ProgressTracker', () => {
  it('has no estimate before two samples', () => {
    const tracker = new ProgressTracker();

    expect(tracker.eta()).toBeNull();
    tracker.record(NOW, 10);
    expect(tracker.eta()).toBeNull();
  });

  it('extrapolates the observed rate', () => {
    const tracker = new ProgressTracker();
    tracker.record(NOW, 10);
    tracker.record(NOW + 10_000, 20);

    expect(tracker.eta()).toBe(NOW + 10_000 + 80_000);
  });

  it('measures the rate from the first sample', () => {
    const tracker = new ProgressTracker();
    tracker.record(NOW, 0);
    tracker.record(NOW + 10_000, 50);
    tracker.record(NOW + 40_000, 80);

    expect(tracker.eta()).toBe(NOW + 40_000 + 10_000);
  });

  it('ignores null samples', () => {
    const tracker = new ProgressTracker();
    tracker.record(NOW, null);
    tracker.record(NOW + 1000, 50);
    tracker.record(NOW + 2000, null);

    expect(tracker.eta()).toBeNull();
  });

  it('has no estimate while progress stalls', () => {
    const tracker = new ProgressTracker();
    tracker.record(NOW, 40);
    tracker.record(NOW + 5000, 40);
    tracker.record(NOW + 10_000, 40);

    expect(tracker.eta()).toBeNull();
  });

  it('restarts when progress goes back', () => {
    const tracker = new ProgressTracker();
    tracker.record(NOW, 50);
    tracker.record(NOW + 10_000, 60);
    tracker.record(NOW + 20_000, 5);

    expect(tracker.eta()).toBeNull();
    tracker.record(NOW + 30_000, 15);
    expect(tracker.eta()).toBe(NOW + 30_000 + 85_000);
  });

  it('feeds an estimated end to nextPauseMs', () => {
    const tracker = new ProgressTracker();
    tracker.record(NOW - 4000, 60);
    tracker.record(NOW, 80);

    expect(pause({ pollIntervalMs: 10_000, active: [active({ etaAt: tracker.eta(), progressPercentage: 80 })] })).toBe(
      4250,
    );
  });
});
