import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';
import { captureOutput } from '../support/captureOutput';
import { slackHeaders } from '../support/signing';

const sample = 'events/samples/mlflow-model-version-created.json';
const signed = [
  '--header',
  'X-MLflow-Signature: v1,Jy6J95MxyWw1oYdjDaGg39sTn8ZwRKj4RJtuBKO4Slg=',
  '--header',
  'X-MLflow-Delivery-Id: 6f1c2c3e-0d4b-4a55-9f43-1f0a2b3c4d5e',
  '--header',
  'X-MLflow-Timestamp: 1795366000',
];

const capture = captureOutput;
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
    expect(output()).toContain('--source must be one of mlflow, databricks, slack');
  });
});

describe('baton inspect --source slack', () => {
  it('decodes a signed Approve click from its raw form body', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const payload = {
      type: 'block_actions',
      user: { id: 'U024BE7LH' },
      trigger_id: 't1',
      actions: [
        {
          action_id: 'baton.approve',
          value: JSON.stringify({ model: 'fraud', version: '7', decision: 'approve' }),
        },
      ],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const file = join(mkdtempSync(join(tmpdir(), 'baton-inspect-')), 'click.txt');
    writeFileSync(file, body);
    const signature = slackHeaders('signing', body, new Date(1795366000_000))['x-slack-signature'];
    const output = capture();

    const code = await main([
      'inspect',
      '--source',
      'slack',
      file,
      '--secret',
      'signing',
      '--header',
      `X-Slack-Signature: ${signature}`,
      '--header',
      'X-Slack-Request-Timestamp: 1795366000',
      '--at',
      '1795366001',
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(output())).toMatchObject({
      signature: 'valid',
      event: {
        type: 'decision',
        model: 'fraud',
        version: '7',
        decision: 'approve',
        actor: 'U024BE7LH',
        via: 'slack',
      },
      error: null,
    });
  });
});
