/**
 * Types shared by the Marqo Ecommerce jobs API emulator, its scenario builders and its tests.
 */

/** Every field of a job object as the jobs API returns it. */
export interface JobFields {
  jobId: string;
  jobType: string;
  jobStatus: string;
  platformData: Record<string, unknown>;
  totalItems: number;
  processedItems: number;
  failedItems: number;
  skippedItems: number;
  conflictItems: number;
  errorMessage: string | null;
  /** Error type -> failed document IDs. */
  failedItemsDetails: Record<string, string[]>;
  /** Error type -> number of failed documents. */
  errorSummary: Record<string, number>;
  /** Skip reason -> skipped document IDs. */
  skippedItemsDetails: Record<string, string[]>;
  skippedSummary: Record<string, number>;
  /** Conflict reason -> conflict objects, which may name the conflicting job IDs. */
  conflictDetails: Record<string, unknown[]>;
  conflictSummary: Record<string, number>;
  /** ISO 8601 with 6 fraction digits and an offset, e.g. `2026-03-02T09:15:04.120931+00:00`. */
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** 0.0 to 100.0. */
  progressPercentage: number;
  estimatedTimeMinutes: number | null;
}

/** One step of a scripted job's life. `atMs` is an offset from the emulator start. */
export interface JobPhase {
  atMs: number;
  /** Sent exactly as written, so a script can use `running`, `QUEUED` or an unknown status. */
  status: string;
  /** Overrides the interpolated or terminal progress while this phase lasts. */
  progressPercentage?: number;
  /** Overrides the computed estimate while this phase lasts. `null` is sent as null. */
  estimatedTimeMinutes?: number | null;
}

/** A job whose state the emulator derives from the clock. */
export interface ScriptedJob {
  jobId: string;
  /** Default `BULK`. */
  jobType?: string;
  /** Creation time as an offset in ms from the emulator start, on the service clock. May be negative. Default 0. */
  createdAtMs?: number;
  /** Exact creation timestamp, sent verbatim. Takes precedence over `createdAtMs`. */
  createdAt?: string;
  /** Before this offset from the emulator start, GET returns 404 and the list omits the job. */
  visibleAtMs?: number;
  totalItems: number;
  /**
   * Phases ordered by `atMs`. The status at a time is the last phase with `atMs <= elapsed`,
   * and `PENDING` before the first phase.
   */
  timeline: JobPhase[];
  /** Fields merged into the job object from the moment it reaches a terminal status. */
  final?: Partial<JobFields>;
  /**
   * Rewrites the job object just before it is serialized, for odd or hostile data. The return
   * value is sent; returning `undefined` sends the (possibly mutated) argument. Once the job is in
   * its last phase, the serialized result is cached, so the transform then runs only once.
   */
  transform?: (job: Record<string, unknown>) => unknown;
}

export type Fault =
  /** A response with this status, e.g. 429 with `Retry-After`, 500, 502, 503, 504, 400, 401, 403 or 422. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string; contentType?: string }
  /** The socket is destroyed without a response. */
  | { kind: 'reset' }
  /** The server reads the request and sends nothing until `close()`. */
  | { kind: 'hang' }
  /** A fixed body, by default with status 200: invalid JSON, an HTML page and so on. */
  | { kind: 'body'; body: string; contentType?: string; status?: number }
  /** The first half of the real body with the full `Content-Length`, then the socket ends. */
  | { kind: 'truncate' }
  /** A 200 with `Content-Length: bytes`, streaming JSON-like filler until done or the client goes away. */
  | { kind: 'oversize'; bytes: number; chunked?: boolean }
  /** The real JSON body, rewritten. Non-JSON bodies are sent unchanged. */
  | { kind: 'mutate'; mutate: (body: unknown) => unknown }
  /** The real response, computed and sent after a pause. */
  | { kind: 'delay'; ms: number }
  | { kind: 'redirect'; status: 301 | 302 | 307 | 308; location: string };

export type Endpoint = 'job' | 'list' | 'other';

export interface FaultRule {
  /** Default `any`. */
  endpoint?: 'job' | 'list' | 'any';
  /** Receives the raw (percent-encoded) path without the query, and the decoded query. */
  match?: (request: { path: string; query: Record<string, string> }) => boolean;
  fault: Fault;
  /** Number of requests the rule handles before it is removed. Default: no limit. */
  times?: number;
  /** Probability from 0 to 1 that the rule applies to a matching request, drawn from the seeded generator. Default 1. */
  probability?: number;
}

export interface RecordedRequest {
  method: string;
  /** Raw path as the client sent it, percent-encoding kept, without the query. */
  path: string;
  /** Decoded query parameters. A repeated parameter keeps its last value. */
  query: Record<string, string>;
  endpoint: Endpoint;
  /** Decoded index name, when the path has the shape of a jobs endpoint. */
  indexName?: string;
  /** Decoded job ID, for the job endpoint. */
  jobId?: string;
  /** Request headers with lower-case names. */
  headers: Record<string, string>;
  /** HTTP status sent. It is 0 until a status line is sent, and stays 0 for `reset` and `hang` faults. */
  status: number;
  /** Arrival time in ms after `Emulator.startedAt`. */
  atMs: number;
  /** Kind of the fault that handled the request, if any. */
  fault?: Fault['kind'];
}

export interface EmulatorOptions {
  /** Default `demo-key`. Requests need `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Default `catalog-demo`. */
  indexName?: string;
  jobs?: ScriptedJob[];
  /** Default 0, an ephemeral port. The host is always 127.0.0.1. */
  port?: number;
  /** Service clock = real clock + offset. Negative: the runner is ahead of the service. */
  clockOffsetMs?: number;
  /** Seed for fault probabilities and the microsecond digits of timestamps. Default 1. */
  seed?: number;
  /** `totalDocs` in list responses. Default: the sum of `totalItems` over the scripted jobs. */
  totalDocs?: number;
  /** Called once per request, when the exchange ends (response finished, socket closed or destroyed). */
  onRequest?: (request: RecordedRequest) => void;
}

export interface Emulator {
  /** e.g. `http://127.0.0.1:PORT/api/v1`. */
  baseUrl: string;
  /** e.g. `http://127.0.0.1:PORT`. */
  origin: string;
  /** `Date.now()` at start: the origin of every `atMs` offset. */
  startedAt: number;
  requests: RecordedRequest[];
  addJobs(jobs: ScriptedJob[]): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Stops the server and destroys every open connection, hanging ones included. */
  close(): Promise<void>;
}
