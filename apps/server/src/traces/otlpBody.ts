import { createRequire } from 'node:module';
import { tryJson } from '@kubetrail/parsers';
import { AppError } from '../http/appError.ts';

/**
 * The official OTLP protobuf definitions, compiled to protobufjs static code, as
 * @opentelemetry/otlp-transformer ships them (`build/src/generated/root`): decoding goes through
 * the same generated code the OpenTelemetry JS exporters encode with.
 */
interface ProtoType {
  decode(buf: Uint8Array): unknown;
  encode(msg: unknown): { finish(): Uint8Array };
  fromObject(o: unknown): unknown;
  toObject(m: unknown, opts: Record<string, unknown>): Record<string, unknown>;
}
interface OtlpRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: ProtoType; ExportTraceServiceResponse: ProtoType } };
      };
    };
  };
}
const require = createRequire(import.meta.url);
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js') as OtlpRoot;
const TRACE = root.opentelemetry.proto.collector.trace.v1;

export type OtlpEncoding = 'json' | 'protobuf';

/** Which OTLP/HTTP encoding a Content-Type names, or null for neither. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  return null;
}

/**
 * An ExportTraceServiceRequest body as OTLP/JSON (the shape `otlpSpans` reads). Protobuf is
 * decoded with the official definitions and mapped the way protobuf's JSON mapping does (int64 as
 * strings, bytes as base64, which `otlpSpans` accepts for ids). Throws a 400 AppError with the
 * reason when the body is not a trace export request.
 */
export function decodeTraces(body: Buffer, encoding: OtlpEncoding): Record<string, unknown> {
  let doc: unknown;
  if (encoding === 'protobuf') {
    try {
      const msg = TRACE.ExportTraceServiceRequest.decode(body);
      doc = TRACE.ExportTraceServiceRequest.toObject(msg, {
        longs: String,
        bytes: String,
        enums: Number,
        defaults: false,
      });
    } catch (err) {
      throw new AppError(400, 'invalid_otlp', `not an OTLP protobuf ExportTraceServiceRequest: ${why(err)}`);
    }
  } else {
    // Bounded in depth like every JSON kubetrail reads (deeper bodies are refused, not walked).
    const parsed = tryJson(body.toString('utf8'));
    if (!parsed.ok)
      throw new AppError(400, 'invalid_json', `the request body is not valid JSON: ${parsed.error}`);
    doc = parsed.value;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new AppError(400, 'invalid_otlp', 'an ExportTraceServiceRequest must be a JSON object');
  const o = doc as Record<string, unknown>;
  // An empty protobuf message decodes to {}: an export with no spans, which is valid.
  if (o.resourceSpans === undefined) return { resourceSpans: [] };
  if (!Array.isArray(o.resourceSpans))
    throw new AppError(400, 'invalid_otlp', '`resourceSpans` must be an array');
  return o;
}

/** The OTLP success body: `{}`, or partialSuccess when some spans were rejected. */
export function exportResponse(
  encoding: OtlpEncoding,
  rejected: number,
  errorMessage: string,
): { contentType: string; body: Buffer | string } {
  const partial = rejected > 0 ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage } } : {};
  if (encoding === 'json') return { contentType: 'application/json', body: JSON.stringify(partial) };
  const msg = TRACE.ExportTraceServiceResponse.fromObject(partial);
  return {
    contentType: 'application/x-protobuf',
    body: Buffer.from(TRACE.ExportTraceServiceResponse.encode(msg).finish()),
  };
}

/** Decodes a protobuf ExportTraceServiceResponse (for tests and clients). */
export function decodeExportResponse(buf: Uint8Array): Record<string, unknown> {
  return TRACE.ExportTraceServiceResponse.toObject(TRACE.ExportTraceServiceResponse.decode(buf), {
    longs: String,
  });
}

/** Encodes an OTLP/JSON-shaped export request as protobuf (tests, and re-sending an export). */
export function encodeTraces(doc: Record<string, unknown>): Buffer {
  return Buffer.from(
    TRACE.ExportTraceServiceRequest.encode(TRACE.ExportTraceServiceRequest.fromObject(doc)).finish(),
  );
}

const why = (err: unknown): string => (err instanceof Error ? err.message : String(err));
