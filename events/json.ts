/**
 * JSON parsing that never throws, said once: every boundary (webhook bodies, SNS envelopes and
 * messages, registry responses) parses untrusted text and decides for itself what a malformed
 * body means (a 400, a dropped message, an unreadable response), with the parser's own reason.
 *
 * @example
 *   parseJson('{"a":1}'); // { ok: true, value: { a: 1 } }
 *   parseJson('{'); // { ok: false, reason: "Expected property name or '}' in JSON at position 1 …" }
 */

export type JsonResult = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Parses `text` (or UTF-8 bytes) as JSON.
 *
 * @example
 *   const parsed = parseJson(request.body);
 *   if (!parsed.ok) throw new BadRequestError('malformed_json', `body is not valid JSON: ${parsed.reason}`);
 */
export function parseJson(text: string | Buffer): JsonResult {
  try {
    return { ok: true, value: JSON.parse(typeof text === 'string' ? text : text.toString('utf8')) };
  } catch (cause) {
    return { ok: false, reason: (cause as Error).message };
  }
}
