/**
 * An emulator of the Marqo Ecommerce jobs API on 127.0.0.1, driven by scripted jobs and faults.
 *
 * Endpoints under /api/v1:
 *   GET /indexes/{index_name}/jobs/{job_id}                                one job object
 *   GET /indexes/{index_name}/jobs?status=&timeFrom=&timeTo=&limit=      the list response
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_PREFIX, handleApiRequest, parseQuery, parseRoute } from './api.ts';
import type { ApiContext } from './api.ts';
import { applyFault, validateFaultRule, writeResponse } from './faults.ts';
import { JobStore } from './jobs.ts';
import { createRandom } from './random.ts';
import { US_PER_MS } from './timestamps.ts';
import type { Emulator, EmulatorOptions, Endpoint, Fault, FaultRule, RecordedRequest } from './types.ts';

export type {
  Emulator,
  EmulatorOptions,
  Fault,
  FaultRule,
  JobFields,
  JobPhase,
  RecordedRequest,
  ScriptedJob,
} from './types.ts';

const HOST = '127.0.0.1';

interface ActiveRule {
  rule: FaultRule;
  /** Requests left before the rule is removed, or undefined for no limit. */
  remaining: number | undefined;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const startedAt = Date.now();
  const clockOffsetMs = options.clockOffsetMs ?? 0;
  const seed = options.seed ?? 1;
  const random = createRandom(seed);
  const store = new JobStore({ serviceStartUs: (startedAt + clockOffsetMs) * US_PER_MS, seed });
  store.add(options.jobs ?? []);

  const context: ApiContext = {
    apiKey: options.apiKey ?? 'demo-key',
    indexName: options.indexName ?? 'catalog-demo',
    store,
    totalDocs: options.totalDocs,
  };
  const requests: RecordedRequest[] = [];
  let rules: ActiveRule[] = [];
  const timers = new Set<NodeJS.Timeout>();

  /** Returns the fault of the first rule that matches, counting down its `times`. */
  const takeFault = (endpoint: Endpoint, path: string, query: Record<string, string>): Fault | undefined => {
    for (const [index, active] of rules.entries()) {
      const { rule } = active;
      const scope = rule.endpoint ?? 'any';
      if (scope !== 'any' && scope !== endpoint) {
        continue;
      }
      if (rule.match !== undefined && !rule.match({ path, query })) {
        continue;
      }
      if (rule.probability !== undefined && random.next() >= rule.probability) {
        continue;
      }
      if (active.remaining !== undefined) {
        active.remaining--;
        if (active.remaining <= 0) {
          rules.splice(index, 1);
        }
      }
      return rule.fault;
    }
    return undefined;
  };

  const handleRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const arrivedAt = Date.now();
    const rawUrl = request.url ?? '/';
    const queryStart = rawUrl.indexOf('?');
    const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    const query = parseQuery(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1));
    const route = parseRoute(path);

    const record: RecordedRequest = {
      method: request.method ?? 'GET',
      path,
      query,
      endpoint: route.endpoint,
      headers: flattenHeaders(request),
      status: 0,
      atMs: arrivedAt - startedAt,
    };
    if (route.indexName !== undefined) {
      record.indexName = route.indexName;
    }
    if (route.jobId !== undefined) {
      record.jobId = route.jobId;
    }
    requests.push(record);
    if (options.onRequest !== undefined) {
      const onRequest = options.onRequest;
      response.once('close', () => onRequest(record));
    }

    // The service state is computed when the response is sent, which for a delay fault is later.
    const computeResponse = () => {
      const now = Date.now();
      return handleApiRequest(context, {
        method: record.method,
        route,
        query,
        authorization: request.headers.authorization,
        elapsedMs: now - startedAt,
        // The last microsecond of the current millisecond, so that a timestamp a client reads
        // from the same clock is never in the service's future.
        nowUs: (now + clockOffsetMs) * US_PER_MS + (US_PER_MS - 1),
      });
    };

    try {
      // Faults come before authentication, as a proxy in front of the service would respond first.
      const fault = takeFault(route.endpoint, path, query);
      if (fault === undefined) {
        writeResponse(response, record, computeResponse());
        return;
      }
      record.fault = fault.kind;
      applyFault(fault, {
        request,
        response,
        record,
        computeResponse,
        schedule(ms, callback) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            try {
              callback();
            } catch (error) {
              reportHandlerError(response, record, error);
            }
          }, ms);
          timers.add(timer);
        },
      });
    } catch (error) {
      reportHandlerError(response, record, error);
    }
  };

  const server = createServer(handleRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${HOST}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    baseUrl: `${origin}${API_PREFIX}`,
    origin,
    startedAt,
    requests,
    addJobs(jobs) {
      store.add(jobs);
    },
    addFault(rule) {
      validateFaultRule(rule);
      rules.push({ rule, remaining: rule.times });
    },
    clearFaults() {
      rules = [];
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) {
          clearTimeout(timer);
        }
        timers.clear();
        server.close(() => resolve());
        // Hanging, delayed and streaming responses keep their connections open, so end them too.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * Logs an exception thrown while handling a request, typically by a scripted transform or a
 * mutate fault, and sends a 500 so the server keeps running.
 */
function reportHandlerError(response: ServerResponse, record: RecordedRequest, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(
    `Marqo jobs emulator: ${record.method} ${record.path} failed: ${error instanceof Error ? error.stack : message}`,
  );
  if (response.headersSent) {
    response.destroy();
    return;
  }
  writeResponse(response, record, {
    status: 500,
    body: JSON.stringify({ message: `Emulator error: ${message}` }),
    contentType: 'application/json',
  });
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) {
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return headers;
}
