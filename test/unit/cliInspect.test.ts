import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';

const sample = 'events/samples/mlflow-model-version-created.json';
const signed = [
  '--header',
  'X-MLflow-Signature: v1,Jy6J95MxyWw1oYdjDaGg39sTn8ZwRKj4RJtuBKO4Slg=',
  '--header',
  'X-MLflow-Delivery-Id: 6f1c2c3e-0d4b-4a55-9f43-1f0a2b3c4d5e',
  '--header',
  'X-MLflow-Timestamp: 1795366000',
];

function capture() {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  return () => out.join('');
}
afterEach(() => vi.restoreAllMocks());

describe('baton inspect', () => {
  it('prints the normalised event and exits 0 for a request the ingress would accept', async () => {
    const output = capture();

    const code = await main([
      'inspect',
      '--source',
      'mlflow',
      sample,
      '--secret',
      'whsec_baton_test',
      ...signed,
      '--at',
      '1795366005',
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(output())).toMatchObject({
      signature: 'valid',
      event: { kind: 'model_version.created', model: 'fraud-detector', version: '3' },
      error: null,
    });
  });

  it('uses --at as the clock, so a recorded request judged later is stale', async () => {
    const output = capture();

    const code = await main([
      'inspect',
      '--source',
      'mlflow',
      sample,
      '--secret',
      'whsec_baton_test',
      ...signed,
      '--at',
      '1795367000',
    ]);

    expect(code).toBe(2);
    expect(JSON.parse(output())).toEqual({
      signature: 'invalid',
      event: null,
      error: '401 invalid_signature: X-MLflow-Timestamp is more than 300 s from now',
    });
  });

  it('reports an absent signature', async () => {
    const output = capture();

    const code = await main(['inspect', '--source', 'mlflow', sample]);

    expect(code).toBe(2);
    expect(JSON.parse(output())).toMatchObject({ signature: 'absent', event: null });
  });

  it('refuses an unknown source with a usage error', async () => {
    const output = capture();

    const code = await main(['inspect', '--source', 'kafka', sample]);

    expect(code).toBe(2);
    expect(output()).toContain('--source must be one of mlflow, databricks');
  });
});
