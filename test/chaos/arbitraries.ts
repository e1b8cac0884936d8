/**
 * Generators of hostile input for the ingress fuzz: odd text, wrong types, payloads that are
 * nearly valid, raw JSON text with duplicate keys, deep nesting and huge strings, hostile headers.
 * Every property runs with a fixed seed; fast-check prints seed and path when one fails, and
 * `CHAOS_SEED=<seed> npm run test:chaos` replays it.
 */
import fc from 'fast-check';
import { type JsonRoute, slackForm } from '../support/ingressHarness';

export const seed = Number(process.env.CHAOS_SEED ?? 20_261_122);
export const runs = (numRuns: number) => ({ numRuns, seed });

const nasty = [
  '',
  ' ',
  '\u0000',
  '\r\n',
  'a\r\nX-Injected: 1',
  '\u202e',
  '\ufeff',
  '\ud800',
  'e\u0301',
  '👩‍👩‍👧',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'toString',
  '../../etc/passwd',
  '%00',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell-style probe, not a template
  '${jndi:ldap://x}',
  'javascript:alert(1)',
];

/** Text an attacker or a confused client sends where a name or an id belongs. */
export const oddText = fc.oneof(
  fc.constantFrom(...nasty),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer({ min: 1001, max: 4000 }).map((n) => 'é'.repeat(n)),
);

/** Keys that reach Object.prototype when code indexes a plain object with them. */
const protoKey = fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty');

export const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(-1, 1.5, 2 ** 53, 1e20, -1e20),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  fc.tuple(protoKey, fc.integer()).map(([key, value]) => ({ [key]: value })),
);

export const odd = fc.oneof(oddText, wrongType);
/** Mostly the good value, sometimes something hostile in its place. */
export const maybe = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: odd });

/** `good` four times in five, else `other`. */
const usually = (good: string, other: string) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(good) }, fc.constant(other));

/** Model names that are valid, however odd: any Unicode, 1–1000 characters. */
export const modelName = fc.oneof(
  fc.constantFrom('fraud', 'fraud-detector', '<b>fraud</b>', '模型', 'ünïcødé 🚀'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
);
const versionValue = fc.oneof(fc.nat({ max: 999_999 }).map(String), fc.nat({ max: 999_999 }));

export const mlflowPayload = fc.record({
  entity: maybe(
    fc.constantFrom(
      'model_version',
      'model_version_alias',
      'model_version_tag',
      'registered_model',
      'prompt',
    ),
  ),
  action: maybe(fc.constantFrom('created', 'deleted', 'set', 'CREATED')),
  timestamp: maybe(fc.constantFrom('2026-11-22T11:59:58Z', 'yesterday', '+275760-09-13T00:00:00Z')),
  data: maybe(
    fc.record(
      {
        name: maybe(modelName),
        version: maybe(versionValue),
        alias: maybe(modelName),
        key: maybe(modelName),
      },
      { requiredKeys: ['name', 'version'] },
    ),
  ),
});

export const databricksPayload = fc.record(
  {
    event: maybe(
      fc.constantFrom(
        'MODEL_VERSION_CREATED',
        'REGISTERED_MODEL_CREATED',
        'MODEL_VERSION_TAG_SET',
        'COMMENT_CREATED',
      ),
    ),
    webhook_id: maybe(fc.constant('w1')),
    event_timestamp: maybe(fc.integer({ min: 0, max: 2_000_000_000_000 })),
    model_name: maybe(modelName),
    version: maybe(versionValue),
    tags: maybe(fc.array(fc.record({ key: maybe(modelName), value: maybe(fc.string()) }), { maxLength: 2 })),
  },
  { requiredKeys: ['event', 'model_name', 'version'] },
);

const buttonValue = fc.record({
  model: maybe(modelName),
  version: maybe(fc.nat({ max: 999_999 }).map(String)),
  decision: maybe(fc.constantFrom('approve', 'reject')),
});

export const slackPayload = fc.record(
  {
    type: maybe(usually('block_actions', 'view_submission')),
    user: maybe(fc.record({ id: maybe(fc.constantFrom('U024BE7LH', 'W0123')) })),
    trigger_id: maybe(fc.constant('1234.5678.abcd')),
    response_url: maybe(fc.constant('https://hooks.slack.com/actions/T1/1/x')),
    actions: maybe(
      fc.array(
        fc.record({
          action_id: maybe(
            fc.oneof(fc.constantFrom('baton.approve', 'baton.reject'), usually('baton.approve', 'other')),
          ),
          value: maybe(buttonValue.map((v) => JSON.stringify(v))),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    ),
  },
  { requiredKeys: ['type', 'user', 'actions'] },
);

/** Puts a raw `"key":value` member first or last into an object's JSON text. */
function withMember(text: string, member: string, first: boolean): string {
  if (!text.startsWith('{')) return text;
  if (text === '{}') return `{${member}}`;
  return first ? `{${member},${text.slice(1)}` : `${text.slice(0, -1)},${member}}`;
}

const nested = (depth: number, array: boolean) =>
  array ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** JSON text of `value`, then twisted the way JSON.stringify never would. */
export function hostileJsonText(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const memberKey = fc.constantFrom(
    'entity',
    'action',
    'data',
    'event',
    'model_name',
    'version',
    'type',
    'actions',
  );
  const twist = fc.oneof(
    { weight: 4, arbitrary: fc.constant((text: string) => text) },
    // Duplicate keys: JSON.parse keeps the last one.
    fc.tuple(fc.oneof(memberKey, protoKey), odd, fc.boolean()).map(
      ([k, v, first]) =>
        (text: string) =>
          withMember(text, `"${k}":${JSON.stringify(v)}`, first),
    ),
    fc.tuple(fc.integer({ min: 1000, max: 10_000 }), fc.boolean(), fc.boolean()).map(
      ([depth, array, whole]) =>
        (text: string) =>
          whole ? nested(depth, array) : withMember(text, `"deep":${nested(depth, array)}`, false),
    ),
    fc
      .integer({ min: 50_000, max: 300_000 })
      .map((n) => (text: string) => withMember(text, `"pad":"${'x'.repeat(n)}"`, true)),
  );
  return fc.tuple(value, twist).map(([v, apply]) => apply(JSON.stringify(v) ?? 'null'));
}

/** A nearly valid event for the route as raw JSON text, twisted; Slack wraps it in its form field. */
export function eventBody(r: JsonRoute): fc.Arbitrary<string> {
  if (r === 'slack') return hostileJsonText(slackPayload).map(slackForm);
  return hostileJsonText(r === 'mlflow' ? mlflowPayload : databricksPayload);
}

export const randomBytes = fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes));

const headerNames = [
  'content-type',
  'Content-Type',
  'x-mlflow-signature',
  'X-MLflow-Timestamp',
  'x-mlflow-delivery-id',
  'X-Databricks-Signature',
  'x-slack-signature',
  'X-Slack-Request-Timestamp',
  'x-forwarded-for',
];
export const headerValue = fc.oneof(
  oddText,
  fc.constantFrom('application/json', 'application/json\r\nX-Injected: 1', 'v1,AAAA', `v0=${'0'.repeat(64)}`),
  fc.integer({ min: 8_000, max: 64_000 }).map((n) => 'A'.repeat(n)),
);
export const hostileHeaders = fc.dictionary(
  fc.oneof(fc.constantFrom(...headerNames), fc.string({ maxLength: 20 })),
  headerValue,
  { maxKeys: 6 },
);

/** One signed part changed: a CR/LF or a character added at either end. */
export const tampering = fc.record({
  part: fc.constantFrom('signature', 'timestamp', 'delivery-id', 'body'),
  extra: fc.constantFrom('\r\n', '\r\nX-Injected: 1', ' ', '\u0000', 'A', '0'),
  atStart: fc.boolean(),
});

export const contentType = fc.oneof(
  fc.constant(undefined),
  headerValue,
  fc.constantFrom(
    'APPLICATION/JSON; charset=utf-8',
    'application/jsonp',
    'text/json',
    'application/json, text/plain',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded;charset=UTF-8',
  ),
);
