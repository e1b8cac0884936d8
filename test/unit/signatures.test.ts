import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyDatabricksSignature, verifyMlflowSignature } from '../../lib/app/ingress/signatures';

// Vectors produced by MLflow 3.17.2's own signing code (mlflow.webhooks.delivery._generate_hmac_signature)
// and by Python's hmac for the Databricks scheme, over the exact sample bytes.
const mlflowBody = readFileSync('events/samples/mlflow-model-version-created.json');
const mlflowVector = {
  secret: 'whsec_baton_test',
  deliveryId: '6f1c2c3e-0d4b-4a55-9f43-1f0a2b3c4d5e',
  timestamp: '1795366000',
  signature: 'v1,Jy6J95MxyWw1oYdjDaGg39sTn8ZwRKj4RJtuBKO4Slg=',
};
const databricksBody = readFileSync('events/samples/databricks-model-version-created.json');
const databricksVector = {
  secret: 'databricks_test_secret',
  signature: '5f9cbf15c5a4470d63084a3fd76451dd5bcc66ac35ba7518edf4979500f22d1c',
};

const mlflow = (overrides: Partial<Parameters<typeof verifyMlflowSignature>[0]> = {}) =>
  verifyMlflowSignature({
    secrets: [mlflowVector.secret],
    body: mlflowBody,
    signature: mlflowVector.signature,
    deliveryId: mlflowVector.deliveryId,
    timestamp: mlflowVector.timestamp,
    nowSeconds: Number(mlflowVector.timestamp) + 10,
    ...overrides,
  });

describe('MLflow webhook signatures', () => {
  it('accepts the signature MLflow computes for the sample delivery', () => {
    expect(mlflow()).toEqual({ status: 'valid' });
  });

  it('accepts a delivery signed with an older secret during rotation', () => {
    expect(mlflow({ secrets: ['the-new-secret', mlflowVector.secret] })).toEqual({ status: 'valid' });
  });

  it.each([
    ['a tampered body', { body: Buffer.from(mlflowBody.toString().replace('"3"', '"4"')) }, 'invalid'],
    ['a wrong secret', { secrets: ['not-the-secret'] }, 'invalid'],
    ['no configured secret', { secrets: [] }, 'invalid'],
    ['a changed delivery id', { deliveryId: 'another-id' }, 'invalid'],
    ['a timestamp 301 s old', { nowSeconds: Number(mlflowVector.timestamp) + 301 }, 'invalid'],
    ['a timestamp 301 s in the future', { nowSeconds: Number(mlflowVector.timestamp) - 301 }, 'invalid'],
    ['a non-numeric timestamp', { timestamp: '2026-11-22T00:00:00Z' }, 'invalid'],
    ['a hex instead of base64 signature', { signature: 'v1,zz' }, 'invalid'],
    ['an unknown scheme', { signature: mlflowVector.signature.replace('v1,', 'v2,') }, 'invalid'],
    ['no signature header', { signature: undefined }, 'absent'],
    ['no delivery id header', { deliveryId: undefined }, 'absent'],
    ['no timestamp header', { timestamp: undefined }, 'absent'],
  ])('rejects %s', (_, overrides, status) => {
    expect(mlflow(overrides)).toMatchObject({ status });
  });

  const sig = mlflowVector.signature;
  const encoded = sig.slice(3);
  const otherSignature = 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

  it.each([
    ['the valid signature first', `${sig} ${otherSignature}`],
    ['the valid signature last', `${otherSignature} ${sig}`],
    [
      'the valid signature among five',
      `${otherSignature} ${otherSignature} ${sig} ${otherSignature} ${otherSignature}`,
    ],
  ])('accepts a space-separated list with %s, as Standard Webhooks allows', (_, signature) => {
    expect(mlflow({ signature })).toEqual({ status: 'valid' });
  });

  it.each([
    [
      '",garbage" appended',
      `${sig},garbage`,
      'X-MLflow-Signature signature 1 has text after its signature (a second comma)',
    ],
    ['no "v1," scheme', encoded, 'X-MLflow-Signature signature 1 does not start with the scheme "v1,"'],
    [
      'an upper-case scheme',
      `V1,${encoded}`,
      'X-MLflow-Signature signature 1 does not start with the scheme "v1,"',
    ],
    [
      'the padding missing',
      sig.replace(/=$/, ''),
      'X-MLflow-Signature signature 1 is not canonical base64 (standard alphabet, "=" padding, no stray bits or whitespace)',
    ],
    [
      'extra padding',
      `${sig}=`,
      'X-MLflow-Signature signature 1 is not canonical base64 (standard alphabet, "=" padding, no stray bits or whitespace)',
    ],
    [
      'stray trailing bits (Slh= decodes to the same bytes as Slg=)',
      sig.replace('Slg=', 'Slh='),
      'X-MLflow-Signature signature 1 is not canonical base64 (standard alphabet, "=" padding, no stray bits or whitespace)',
    ],
    [
      'a tab inside the base64',
      `v1,${encoded.slice(0, 10)}\t${encoded.slice(10)}`,
      'X-MLflow-Signature signature 1 is not canonical base64 (standard alphabet, "=" padding, no stray bits or whitespace)',
    ],
    [
      'a newline inside the base64',
      `v1,${encoded.slice(0, 10)}\n${encoded.slice(10)}`,
      'X-MLflow-Signature signature 1 is not canonical base64 (standard alphabet, "=" padding, no stray bits or whitespace)',
    ],
    [
      'the url-safe alphabet',
      'v1,Jy6J95MxyWw1oYdjDaGg39sTn8ZwRKj4RJtuBKO4Sl-=',
      'X-MLflow-Signature signature 1 is not canonical base64 (standard alphabet, "=" padding, no stray bits or whitespace)',
    ],
    [
      'a space inside the base64',
      `v1,${encoded.slice(0, 10)} ${encoded.slice(10)}`,
      'X-MLflow-Signature signature 1 is not canonical base64 (standard alphabet, "=" padding, no stray bits or whitespace)',
    ],
    [
      'two spaces between signatures',
      `${sig}  ${sig}`,
      'X-MLflow-Signature signature 2 is empty (signatures are separated by single spaces)',
    ],
    [
      'a trailing space',
      `${sig} `,
      'X-MLflow-Signature signature 2 is empty (signatures are separated by single spaces)',
    ],
    [
      'a valid signature followed by a malformed one',
      `${sig} v1,abc`,
      'X-MLflow-Signature signature 2 is not canonical base64 (standard alphabet, "=" padding, no stray bits or whitespace)',
    ],
    [
      'a truncated HMAC',
      'v1,Jy6J95MxyWw1oYdjDaGg39sTn8ZwRKj4RJtuBKO4',
      'X-MLflow-Signature signature 1 is 30 bytes; an HMAC-SHA256 is 32',
    ],
    [
      'six signatures',
      Array(6).fill(sig).join(' '),
      'X-MLflow-Signature lists 6 signatures; at most 5 are accepted',
    ],
  ])('refuses a signature with %s, naming the problem', (_, signature, reason) => {
    expect(mlflow({ signature })).toEqual({ status: 'invalid', reason });
  });

  it('refuses a list in which no signature matches', () => {
    expect(mlflow({ signature: `${otherSignature} ${otherSignature}` })).toEqual({
      status: 'invalid',
      reason: 'X-MLflow-Signature does not match the body for any configured secret',
    });
  });

  it('names the reason for a stale timestamp', () => {
    expect(mlflow({ nowSeconds: Number(mlflowVector.timestamp) + 600 })).toEqual({
      status: 'invalid',
      reason: 'X-MLflow-Timestamp is more than 300 s from now',
    });
  });
});

describe('Databricks webhook signatures', () => {
  const databricks = (overrides: Partial<Parameters<typeof verifyDatabricksSignature>[0]> = {}) =>
    verifyDatabricksSignature({
      secrets: [databricksVector.secret],
      body: databricksBody,
      signature: databricksVector.signature,
      ...overrides,
    });

  it('accepts the hex HMAC-SHA256 of the raw body', () => {
    expect(databricks()).toEqual({ status: 'valid' });
  });

  it.each([
    ['a tampered body', { body: Buffer.concat([databricksBody, Buffer.from(' ')]) }, 'invalid'],
    ['a wrong secret', { secrets: ['nope'] }, 'invalid'],
    ['an uppercase hex signature', { signature: databricksVector.signature.toUpperCase() }, 'invalid'],
    ['a truncated signature', { signature: databricksVector.signature.slice(0, 62) }, 'invalid'],
    ['no signature header', { signature: undefined }, 'absent'],
  ])('rejects %s', (_, overrides, status) => {
    expect(databricks(overrides)).toMatchObject({ status });
  });
});
