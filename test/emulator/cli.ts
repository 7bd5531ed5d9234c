/**
 * Command line for the Marqo jobs API emulator: `npm run emulator -- --port 8089 --scenario demo`.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { demoScenario } from './scenarios.ts';
import { startEmulator } from './server.ts';
import { parseTimestamp } from './timestamps.ts';
import type { FaultRule, ScriptedJob } from './types.ts';
import { FAULT_SPEC_HELP, parseFaultSpec } from './fault-spec.ts';

const USAGE = `Usage: node test/emulator/cli.ts [options]

Serves the Marqo Ecommerce jobs API on 127.0.0.1 from scripted jobs.

Options:
  --port N            TCP port on 127.0.0.1, or 0 for a free port (default 8089)
  --scenario NAME     "demo" for a 12-job catalog deploy that ends within ~30 s, or the path
                      of a JSON file with an array of scripted jobs (default demo)
  --api-key KEY       API key that requests must send as a Bearer token (default demo-key)
  --index-name NAME   name of the only index that exists (default catalog-demo)
  --fault SPEC        inject a fault, once per option given; SPEC is
                      ${FAULT_SPEC_HELP}
                      (example: --fault 429,retry-after=2,times=3 --fault reset,probability=0.1)
  --clock-offset MS   service clock minus the real clock, in milliseconds; -5000 plays a
                      runner clock 5 seconds ahead of the service (default 0)
  --help              print this help and exit
`;

class UsageError extends Error {}

interface CliOptions {
  port: number;
  scenario: string;
  apiKey: string;
  indexName: string;
  faults: FaultRule[];
  clockOffsetMs: number;
}

function parseCommandLine(argv: string[]): CliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        scenario: { type: 'string' },
        'api-key': { type: 'string' },
        'index-name': { type: 'string' },
        fault: { type: 'string', multiple: true },
        'clock-offset': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) {
    return 'help';
  }

  const portText = values.port ?? '8089';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new UsageError(`Invalid --port ${JSON.stringify(portText)}: expected an integer from 0 to 65535`);
  }
  const apiKey = values['api-key'] ?? 'demo-key';
  if (apiKey === '') {
    throw new UsageError('Invalid --api-key: the key must not be empty');
  }
  const faults = (values.fault ?? []).map((spec) => {
    try {
      return parseFaultSpec(spec);
    } catch (error) {
      throw new UsageError(`Invalid --fault ${JSON.stringify(spec)}: ${(error as Error).message}`);
    }
  });
  const offsetText = values['clock-offset'] ?? '0';
  if (!/^-?\d+$/.test(offsetText)) {
    throw new UsageError(
      `Invalid --clock-offset ${JSON.stringify(offsetText)}: expected whole milliseconds, such as -5000`,
    );
  }
  return {
    port,
    scenario: values.scenario ?? 'demo',
    apiKey,
    indexName: values['index-name'] ?? 'catalog-demo',
    faults,
    clockOffsetMs: Number(offsetText),
  };
}

/** Loads `demo` or a JSON array of scripted jobs, checking the fields the emulator relies on. */
async function loadScenario(scenario: string): Promise<ScriptedJob[]> {
  if (scenario === 'demo') {
    return demoScenario();
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(scenario, 'utf8'));
  } catch (error) {
    throw new UsageError(`Failed to read --scenario ${scenario}: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) {
    throw new UsageError(`Invalid scenario file ${scenario}: expected a JSON array of jobs`);
  }
  const seenIds = new Set<string>();
  parsed.forEach((job: unknown, index) => {
    const problem = describeInvalidJob(job, seenIds);
    if (problem !== undefined) {
      throw new UsageError(`Invalid scenario file ${scenario}: job ${index} ${problem}`);
    }
  });
  return parsed as ScriptedJob[];
}

function describeInvalidJob(job: unknown, seenIds: Set<string>): string | undefined {
  if (typeof job !== 'object' || job === null || Array.isArray(job)) {
    return 'is not an object';
  }
  const record = job as Record<string, unknown>;
  const jobId = record.jobId;
  if (typeof jobId !== 'string' || jobId === '') {
    return 'has no jobId string';
  }
  if (seenIds.has(jobId)) {
    return `(${jobId}) repeats the ID of an earlier job`;
  }
  seenIds.add(jobId);

  const createdAt = record.createdAt;
  if (createdAt !== undefined) {
    if (typeof createdAt !== 'string') {
      return `(${jobId}) has a createdAt that is not a string`;
    }
    const parsed = parseTimestamp(createdAt);
    if (!parsed.ok) {
      return `(${jobId}) has an invalid createdAt: ${parsed.reason}`;
    }
  }

  const totalItems = record.totalItems;
  if (typeof totalItems !== 'number' || !Number.isInteger(totalItems) || totalItems < 0) {
    return `(${jobId}) needs totalItems, an integer >= 0`;
  }

  const timeline = record.timeline;
  if (!Array.isArray(timeline)) {
    return `(${jobId}) has no timeline array`;
  }
  const isPhase = (phase: unknown): boolean =>
    typeof phase === 'object' &&
    phase !== null &&
    typeof (phase as Record<string, unknown>).atMs === 'number' &&
    typeof (phase as Record<string, unknown>).status === 'string';
  const badPhase = timeline.findIndex((phase: unknown) => !isPhase(phase));
  if (badPhase >= 0) {
    return `(${jobId}) has a timeline phase ${badPhase} without a numeric atMs and a string status`;
  }
  return undefined;
}

async function main(): Promise<number> {
  let options: CliOptions | 'help';
  let jobs: ScriptedJob[];
  try {
    options = parseCommandLine(process.argv.slice(2));
    if (options === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    jobs = await loadScenario(options.scenario);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\nRun with --help for usage.\n`);
      return 2;
    }
    throw error;
  }

  let emulator;
  try {
    emulator = await startEmulator({
      port: options.port,
      apiKey: options.apiKey,
      indexName: options.indexName,
      clockOffsetMs: options.clockOffsetMs,
      jobs,
      onRequest(request) {
        // Decoded values read better than the percent-encoded query. A raw '+' shows as a space.
        const query = Object.entries(request.query)
          .map(([name, value]) => `${name}=${value}`)
          .join('&');
        const fault = request.fault === undefined ? '' : ` (fault: ${request.fault})`;
        process.stdout.write(
          `${request.method} ${request.path}${query === '' ? '' : `?${query}`} ${request.status}${fault}\n`,
        );
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      process.stderr.write(`Port ${options.port} on 127.0.0.1 is already in use; pass --port 0 to pick a free port.\n`);
      return 1;
    }
    process.stderr.write(`Failed to start the emulator: ${(error as Error).message}\n`);
    return 1;
  }

  for (const rule of options.faults) emulator.addFault(rule);

  // Handlers go in before the start-up lines, so a signal sent as soon as they appear is handled.
  const running = emulator;
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.stdout.write(`Received ${signal}; stopping the emulator after ${running.requests.length} requests.\n`);
      void running.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

  process.stdout.write(
    `Marqo jobs emulator on ${emulator.baseUrl} (index ${options.indexName}, API key ${options.apiKey}, ${jobs.length} jobs)\n`,
  );
  process.stdout.write(`${jobs.map((job) => job.jobId).join(',')}\n`);

  // The jobs appear at their scripted createdAt, as a deploy pushes them, so a user who watches
  // them at once would see 404s. A line reports when the last one exists.
  const lastCreatedMs = Math.max(0, ...jobs.map((job) => job.visibleAtMs ?? job.createdAtMs ?? 0));
  if (lastCreatedMs > 0) {
    process.stdout.write(
      `The jobs are created over the next ${Math.ceil(lastCreatedMs / 1000)} s, as a deploy pushes them.\n`,
    );
    const timer = setTimeout(
      () => process.stdout.write(`All ${jobs.length} jobs created; restart the emulator to replay the deploy.\n`),
      Math.max(0, emulator.startedAt + lastCreatedMs - Date.now()),
    );
    void stopped.then(() => clearTimeout(timer));
  }
  await stopped;
  return 0;
}

process.exitCode = await main();
