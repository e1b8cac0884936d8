import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../cli/status';
import { aVersion } from '../support/builders';
import { MemoryRegistry, MemoryStore } from '../support/fakes';

describe('baton status', () => {
  it('lists each version with its phase, verdict, aliases and failed checks, newest first', async () => {
    const registry = new MemoryRegistry();
    const store = new MemoryStore();
    registry.add(aVersion({ name: 'baton-demo', version: '1', tags: { validation_status: 'PASSED' } }));
    registry.add(
      aVersion({
        name: 'baton-demo',
        version: '2',
        tags: { validation_status: 'FAILED' },
        creationTimestamp: 2,
      }),
    );
    registry.add(aVersion({ name: 'baton-demo', version: '3', tags: {}, creationTimestamp: 3 }));
    registry.aliases.set('baton-demo/challenger', '1');
    await store.saveVersion(
      { model: 'baton-demo', version: '1', phase: 'validated', revision: 1, updatedAt: 'x', checks: [] },
      0,
      [],
    );
    await store.saveVersion(
      {
        model: 'baton-demo',
        version: '2',
        phase: 'failed_validation',
        revision: 1,
        updatedAt: 'x',
        checks: [{ id: 'metric.val_auc', passed: false, reason: 'val_auc 0.72 < 0.8' }],
      },
      0,
      [],
    );
    await store.recordFailure({
      at: '2026-11-22T12:00:00.000Z',
      model: 'baton-demo',
      version: '3',
      event: 'model_version.created:baton-demo:3',
      messageId: 'm-1',
      receiveCount: 2,
      error: 'RegistryUnavailableError: connect ECONNREFUSED',
    });

    const output = await renderStatus('baton-demo', { store, registry, policiesDir: 'policies' });

    expect(output.split('\n')).toEqual([
      'baton-demo: policy for baton-demo',
      '',
      'VERSION  PHASE              VALIDATION  ALIASES     FAILED CHECKS',
      '3        (no record)        -           -           -',
      '2        failed_validation  FAILED      -           val_auc 0.72 < 0.8',
      '1        validated          PASSED      challenger  -',
      '',
      'Recent failures (retried; after the last retry the message is in the DLQ):',
      '  2026-11-22T12:00:00.000Z  model_version.created:baton-demo:3  attempt 2: RegistryUnavailableError: connect ECONNREFUSED',
      '',
    ]);
  });

  it('says when no policy covers the model', async () => {
    const output = await renderStatus('someone-else', {
      store: new MemoryStore(),
      registry: new MemoryRegistry(),
      policiesDir: 'policies',
    });

    expect(output).toBe('someone-else: unmanaged (no policy matches)\n\n(no versions in the registry)\n');
  });
});

describe('baton status and the functions agree on the policy', () => {
  it('says no policy is in force when the set has a problem, as the functions refuse it whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-status-'));
    writeFileSync(join(dir, 'fraud.yaml'), 'model: fraud\n');
    writeFileSync(join(dir, 'broken.yaml'), 'model: other\nchecks: { metrics: [{ name: auc }] }\n');

    const output = await renderStatus('fraud', {
      store: new MemoryStore(),
      registry: new MemoryRegistry(),
      policiesDir: dir,
    });

    expect(output.split('\n')[0]).toBe(
      `fraud: no policy in force: the policies in ${dir} have problems (broken.yaml), so Baton's functions refuse them all; run \`baton policy validate\``,
    );
  });
});

describe('baton status during a canary rollout', () => {
  it("shows the rollout's step, weights, next check, deadline and the alarms it watches", async () => {
    const registry = new MemoryRegistry();
    const store = new MemoryStore();
    registry.add(aVersion({ name: 'fraud-detector', version: '6', tags: {} }));
    registry.add(aVersion({ name: 'fraud-detector', version: '7', tags: {}, creationTimestamp: 2 }));
    await store.saveVersion(
      {
        model: 'fraud-detector',
        version: '7',
        phase: 'rolling_out',
        revision: 3,
        updatedAt: 'x',
        dueAt: Date.parse('2026-11-22T12:30:00.000Z'),
        rollout: {
          endpoint: 'fraud-prod',
          kind: 'sagemaker',
          champion: '6',
          approvedBy: ['U024BE7LH'],
          startedAt: '2026-11-22T12:00:00.000Z',
          step: 1,
          weights: { '6': 50, '7': 50 },
          deadline: Date.parse('2026-11-22T16:30:00.000Z'),
          alarms: ['fraud-prod-5xx', 'fraud-prod-p99-latency'],
        },
      },
      0,
      [],
    );

    const output = await renderStatus('fraud-detector', { store, registry, policiesDir: 'policies' });

    expect(output).toContain(
      [
        'Rollout of v7 on fraud-prod (sagemaker), champion v6:',
        '  step 2 of 3 (10 → 50 → 100 %): v6 50% · v7 50%',
        '  next check 2026-11-22T12:30:00.000Z; deadline 2026-11-22T16:30:00.000Z',
        '  watching alarms: fraud-prod-5xx, fraud-prod-p99-latency',
      ].join('\n'),
    );
  });
});
