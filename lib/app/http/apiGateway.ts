/**
 * API Gateway HTTP API (payload 2.0) helpers: the raw body bytes as received, header lookup,
 * and JSON responses.
 *
 * @example
 *   const body = rawBody(event);          // Buffer, exactly what the sender signed
 *   return jsonResponse(202, { queued: true });
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../../domain/httpErrors';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** The body bytes exactly as the sender sent them; signatures are checked over these. */
export function rawBody(event: Pick<HttpEvent, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** Case-insensitive header lookup (API Gateway lower-cases names; tests may not). */
export function header(
  headers: Record<string, string | undefined> | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export function assertBodySize(body: Buffer, limitBytes: number): void {
  if (body.length > limitBytes) throw new PayloadTooLargeError(limitBytes, body.length);
}

/** Accepts `application/json` with or without parameters such as `; charset=utf-8`. */
export function assertJsonContentType(contentType: string | undefined): void {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') throw new UnsupportedMediaTypeError('application/json', contentType);
}

export function jsonResponse(statusCode: number, body: unknown): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}
