/**
 * Errors that end an HTTP request. Each carries its status and a stable code; one middleware
 * (httpErrorResponses) turns them into `{ "error": code, "detail": … }` responses.
 *
 * @example
 *   throw new UnauthorizedError('bad_signature', 'X-MLflow-Signature does not match any secret');
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
    this.name = 'HttpError';
  }
}

/** 400: the body is not what the route accepts; `detail` names the field. */
export class BadRequestError extends HttpError {
  constructor(code: string, detail: string) {
    super(400, code, detail);
    this.name = 'BadRequestError';
  }
}

/** 401: missing, wrong or stale signature or token. */
export class UnauthorizedError extends HttpError {
  constructor(code: string, detail: string) {
    super(401, code, detail);
    this.name = 'UnauthorizedError';
  }
}

/** 413: the body is larger than the route accepts. */
/** 404: the path names nothing this route serves (an alert source that does not exist). */
export class NotFoundError extends HttpError {
  constructor(code: string, detail: string) {
    super(404, code, detail);
    this.name = 'NotFoundError';
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number, actualBytes: number) {
    super(413, 'payload_too_large', `body is ${actualBytes} bytes; the limit is ${limitBytes}`);
    this.name = 'PayloadTooLargeError';
  }
}

/** 415: the content type is not one the route accepts. */
export class UnsupportedMediaTypeError extends HttpError {
  constructor(expected: string, actual: string | undefined) {
    super(415, 'unsupported_media_type', `expected ${expected}, got ${actual ?? 'no content-type'}`);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** 503: a dependency (queue, secret store) is unavailable; the sender should retry. */
export class ServiceUnavailableError extends HttpError {
  constructor(code: string, detail: string, options?: { cause?: unknown }) {
    super(503, code, detail, options);
    this.name = 'ServiceUnavailableError';
  }
}
