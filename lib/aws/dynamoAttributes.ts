/**
 * Plain JSON values to DynamoDB's attribute values and back, for the small DynamoDB client
 * (dynamoDocuments.ts). Baton's records are JSON documents, so the JSON types are all it maps:
 * string ↔ S, number ↔ N, boolean ↔ BOOL, null ↔ NULL, array ↔ L, object ↔ M. Undefined fields
 * and list items are dropped, as the SDK's DocumentClient does with `removeUndefinedValues`. Anything else
 * (sets, binary, a number JavaScript cannot hold exactly) throws rather than changing the data.
 *
 * @example
 *   toAttributes({ pk: 'TOKEN#ab', expiresAt: 1795366000 }); // { pk: { S: 'TOKEN#ab' }, expiresAt: { N: '1795366000' } }
 *   fromAttributes({ pk: { S: 'TOKEN#ab' } });               // { pk: 'TOKEN#ab' }
 */

/** One DynamoDB attribute value of the types Baton stores. */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: AttributeMap };

export type AttributeMap = Record<string, AttributeValue>;

/** A JSON value as DynamoDB's attribute value. */
export function toAttribute(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot store the number ${value} in DynamoDB`);
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (Array.isArray(value)) return { L: value.filter((v) => v !== undefined).map(toAttribute) };
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return { M: toAttributes(value as Record<string, unknown>) };
  }
  throw new TypeError(`cannot store a ${typeof value === 'object' ? value.constructor.name : typeof value}`);
}

/**
 * A JSON object as an attribute map (an Item, a Key, ExpressionAttributeValues).
 *
 * @example
 *   toAttributes({ ':now': 1795366000 }); // { ':now': { N: '1795366000' } }
 */
export function toAttributes(item: Record<string, unknown>): AttributeMap {
  const map: AttributeMap = {};
  for (const [name, value] of Object.entries(item)) if (value !== undefined) map[name] = toAttribute(value);
  return map;
}

/** An attribute value DynamoDB returned, as a JSON value. */
export function fromAttribute(value: AttributeValue): unknown {
  if ('S' in value) return value.S;
  if ('N' in value) {
    const number = Number(value.N);
    // What JSON cannot hold exactly would be silently rounded; refuse it instead.
    if (!Number.isFinite(number) || (Number.isInteger(number) && !Number.isSafeInteger(number))) {
      throw new RangeError(`the number ${value.N} does not fit a JavaScript number`);
    }
    return number;
  }
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('L' in value) return value.L.map(fromAttribute);
  if ('M' in value) return fromAttributes(value.M);
  throw new TypeError(`unsupported DynamoDB attribute type ${Object.keys(value).join(', ')}`);
}

/**
 * An Item DynamoDB returned, as a JSON object.
 *
 * @example
 *   fromAttributes({ status: { S: 'sent' }, leaseUntil: { N: '1795366030' } }); // { status: 'sent', leaseUntil: 1795366030 }
 */
export function fromAttributes(map: AttributeMap): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(map)) item[name] = fromAttribute(value);
  return item;
}
