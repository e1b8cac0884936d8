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
