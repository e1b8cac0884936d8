/**
 * The one place errors become HTTP responses: an HttpError answers with its status and
 * `{ "error": code, "detail": … }`; anything else is logged with its cause and answers a
 * generic 500 that reveals nothing.
 *
 * @example
 *   export const handler = middy(route).use(httpErrorResponses());
 */
import type { MiddlewareObj } from '@middy/core';
import { HttpError } from '../../domain/httpErrors';
import { logger } from '../../log';
import { type HttpEvent, type HttpResult, jsonResponse } from './apiGateway';

export function errorResponse(error: unknown): HttpResult {
  if (error instanceof HttpError) {
    if (error.statusCode >= 500) logger.error('request failed', { error, cause: error.cause });
    return jsonResponse(error.statusCode, { error: error.code, detail: error.detail });
  }
  logger.error('unhandled error', { error });
  return jsonResponse(500, {
    error: 'internal_error',
    detail: 'an unexpected error occurred; it has been logged',
  });
}

export function httpErrorResponses(): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      request.response = errorResponse(request.error);
    },
  };
}
