import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, finishedJob, runGate, startApi } from './fixtures.ts';

afterEach(cleanUp);

// An empty job-id is also what a misspelled step output gives; the run then watches the default
// window, and a warning reports it, because the gate would judge jobs the deploy never created.
describe.concurrent('empty job-id', () => {
  it('warns when no window is set', async () => {
    const emulator = await startApi({ jobs: [finishedJob('job-a')] });

    const run = await runGate(emulator, { 'job-id': '', timeout: '20s' });

    expect(run.exitCode).toBe(0);
    expect(run.outputs.result).toBe('passed');
    const warnings = run.commands.filter((line) => line.startsWith('::warning::'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('job-id is empty and no window is set');
    expect(warnings[0]).toContain('set time-from');
  });

  it('stays quiet with time-from set', async () => {
    const emulator = await startApi({ jobs: [finishedJob('job-a')] });

    const run = await runGate(emulator, { 'job-id': '', 'time-from': '24h', timeout: '20s' });

    expect(run.exitCode).toBe(0);
    expect(run.commands.filter((line) => line.startsWith('::warning::'))).toEqual([]);
  });
});
