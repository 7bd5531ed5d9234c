/**
 * Network and proxy faults: each one replaces or damages the response the API would send.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiResponse } from './api.ts';
import type { Fault, FaultRule, RecordedRequest } from './types.ts';

const FAULT_KINDS: ReadonlySet<string> = new Set([
  'status',
  'reset',
  'hang',
  'body',
  'truncate',
  'oversize',
  'mutate',
  'delay',
  'redirect',
]);
const OVERSIZE_CHUNK_BYTES = 64 * 1024;

/** A request whose response a fault replaces or damages. */
export interface FaultExchange {
  request: IncomingMessage;
  response: ServerResponse;
  record: RecordedRequest;
  /** Computes the response the API would send now, faults aside. */
  computeResponse(): ApiResponse;
  /** Runs `callback` after `ms` unless the emulator closes first. */
  schedule(ms: number, callback: () => void): void;
}

/** Throws a RangeError naming the field when a rule cannot be applied. */
export function validateFaultRule(rule: FaultRule): void {
  const fault = rule.fault as Fault | undefined;
  if (fault === undefined || !FAULT_KINDS.has(fault.kind)) {
    throw new RangeError(`Invalid fault rule: unknown fault kind ${JSON.stringify(fault?.kind)}`);
  }
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 1)) {
    throw new RangeError(`Invalid fault rule: times must be an integer >= 1, got ${rule.times}`);
  }
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
    throw new RangeError(`Invalid fault rule: probability must be from 0 to 1, got ${rule.probability}`);
  }
  if (fault.kind === 'oversize' && !(Number.isSafeInteger(fault.bytes) && fault.bytes >= 0)) {
    throw new RangeError(`Invalid oversize fault: bytes must be an integer >= 0, got ${fault.bytes}`);
  }
  if (fault.kind === 'delay' && !(fault.ms >= 0)) {
    throw new RangeError(`Invalid delay fault: ms must be >= 0, got ${fault.ms}`);
  }
}

/** Sends a complete response with an exact Content-Length and records its status. */
export function writeResponse(response: ServerResponse, record: RecordedRequest, apiResponse: ApiResponse): void {
  const bytes = typeof apiResponse.body === 'string' ? Buffer.from(apiResponse.body) : apiResponse.body;
  record.status = apiResponse.status;
  response.writeHead(apiResponse.status, {
    'content-type': apiResponse.contentType,
    'content-length': String(bytes.length),
    ...lowerCaseKeys(apiResponse.headers ?? {}),
  });
  response.end(bytes);
}

export function applyFault(fault: Fault, exchange: FaultExchange): void {
  const { request, response, record } = exchange;
  switch (fault.kind) {
    case 'status': {
      const body = fault.body ?? JSON.stringify({ message: STATUS_CODES[fault.status] ?? `HTTP ${fault.status}` });
      const contentType =
        fault.contentType ?? (fault.body === undefined ? 'application/json' : guessContentType(fault.body));
      const apiResponse: ApiResponse = { status: fault.status, body, contentType };
      if (fault.headers !== undefined) {
        apiResponse.headers = fault.headers;
      }
      writeResponse(response, record, apiResponse);
      return;
    }
    case 'reset':
      // resetAndDestroy sends a TCP RST, so the client typically gets ECONNRESET rather than a clean end of stream.
      request.socket.resetAndDestroy();
      return;
    case 'hang':
      // Nothing is written. close() destroys the connection.
      return;
    case 'body':
      writeResponse(response, record, {
        status: fault.status ?? 200,
        body: fault.body,
        contentType: fault.contentType ?? guessContentType(fault.body),
      });
      return;
    case 'truncate':
      writeTruncated(exchange);
      return;
    case 'oversize':
      streamOversize(response, record, fault.bytes, fault.chunked === true);
      return;
    case 'mutate':
      writeResponse(response, record, mutateResponse(exchange.computeResponse(), fault.mutate));
      return;
    case 'delay':
      exchange.schedule(fault.ms, () => {
        if (!response.destroyed) {
          writeResponse(response, record, exchange.computeResponse());
        }
      });
      return;
    case 'redirect':
      record.status = fault.status;
      response.writeHead(fault.status, { location: fault.location, 'content-length': '0' });
      response.end();
      return;
  }
}

/** Sends the status line, the full Content-Length and half the body, then ends the socket. */
function writeTruncated(exchange: FaultExchange): void {
  const { response, record } = exchange;
  const real = exchange.computeResponse();
  const bytes = typeof real.body === 'string' ? Buffer.from(real.body) : real.body;
  record.status = real.status;
  response.writeHead(real.status, {
    'content-type': real.contentType,
    'content-length': String(bytes.length),
    ...lowerCaseKeys(real.headers ?? {}),
  });
  response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
    response.socket?.end();
  });
}

/**
 * Streams `totalBytes` of JSON-like filler under a matching Content-Length. It writes one chunk at
 * a time, waits for 'drain' under backpressure and stops as soon as the client goes away.
 */
function streamOversize(response: ServerResponse, record: RecordedRequest, totalBytes: number, chunked: boolean): void {
  record.status = 200;
  // Without Content-Length, Node sends the body with chunked transfer encoding, so the client
  // learns the size only by reading.
  response.writeHead(
    200,
    chunked
      ? { 'content-type': 'application/json' }
      : { 'content-type': 'application/json', 'content-length': String(totalBytes) },
  );

  const head = Buffer.from('{"jobs":[');
  const entry = '{"jobId":"00000000-0000-4000-8000-000000000000","jobStatus":"COMPLETED","totalItems":50},';
  const chunk = Buffer.from(entry.repeat(Math.ceil(OVERSIZE_CHUNK_BYTES / entry.length)));
  let sent = 0;

  const pump = (): void => {
    while (sent < totalBytes && !response.destroyed) {
      const source = sent < head.length ? head.subarray(sent) : chunk;
      const piece = source.subarray(0, Math.min(source.length, totalBytes - sent));
      sent += piece.length;
      if (!response.write(piece)) {
        response.once('drain', pump);
        return;
      }
    }
    if (!response.destroyed) {
      response.end();
    }
  };
  pump();
}

function mutateResponse(real: ApiResponse, mutate: (body: unknown) => unknown): ApiResponse {
  const text = typeof real.body === 'string' ? real.body : real.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return real;
  }
  return { ...real, body: JSON.stringify(mutate(parsed)) ?? '' };
}

function guessContentType(body: string): string {
  const start = body.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) {
    return 'application/json';
  }
  if (start.startsWith('<')) {
    return 'text/html; charset=utf-8';
  }
  return 'text/plain; charset=utf-8';
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
