/** What every answer of an ingress route must look like, whatever it was sent. */
import { expect } from 'vitest';
import type { HttpResult } from '../../lib/app/http/apiGateway';

/** A Node stack frame, a source path or a module path: never part of a response. */
export const stackTrace = /\n\s+at |node_modules|\.[cm]?[jt]s:\d+/;

/** A 4xx with `{ "error": code, "detail": text }` and nothing else. */
export function expectJsonError(response: HttpResult) {
  expect(response.statusCode).toBeGreaterThanOrEqual(400);
  expect(response.statusCode).toBeLessThan(500);
  expect(response.headers?.['content-type']).toBe('application/json');
  const body = JSON.parse(String(response.body));
  expect(Object.keys(body).sort()).toEqual(['detail', 'error']);
  expect([typeof body.error, typeof body.detail]).toEqual(['string', 'string']);
  expect(response.body).not.toMatch(stackTrace);
}

/** An HTML page with the given status range, no stack trace, and no script of anyone's. */
export function expectHtmlPage(response: HttpResult, statuses: number[]) {
  expect(statuses).toContain(response.statusCode);
  expect(response.headers?.['content-type']).toBe('text/html; charset=utf-8');
  expect(response.body).not.toMatch(stackTrace);
  expect(response.body).not.toMatch(/<script/i);
}
