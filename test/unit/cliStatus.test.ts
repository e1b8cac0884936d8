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
