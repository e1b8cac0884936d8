import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../cli/status';
import { RegistryRequestError, RegistryUnavailableError } from '../../lib/adapters/registry/errors';
import { MemoryRegistry, MemoryStore } from '../support/fakes';

/** A registry whose every search fails with `error`. */
class FailingRegistry extends MemoryRegistry {
  constructor(private readonly error: Error) {
    super();
  }
  override async searchModelVersions(): Promise<never> {
    throw this.error;
  }
}

async function storeWithOneVersion(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.saveVersion(
    {
      model: 'baton-demo',
      version: '4',
      phase: 'awaiting_approval',
      revision: 1,
      updatedAt: 'x',
      checks: [],
    },
    0,
    [],
  );
  return store;
}

describe('baton status with the registry down', () => {
  it("lists the versions in Baton's table with their phase, aliases and validation unknown", async () => {
    const store = await storeWithOneVersion();
    const registry = new FailingRegistry(
      new RegistryUnavailableError('GET model-versions/search: connect ECONNREFUSED after 2 attempts'),
    );
    const warnings: string[] = [];

    const output = await renderStatus('baton-demo', { store, registry, policiesDir: 'policies' }, (line) =>
      warnings.push(line),
    );

    expect(output.split('\n').slice(2, 4)).toEqual([
      'VERSION  PHASE              VALIDATION  ALIASES  FAILED CHECKS',
      '4        awaiting_approval  ?           ?        -',
    ]);
    expect(warnings).toEqual([
      "registry unreachable (GET model-versions/search: connect ECONNREFUSED after 2 attempts): aliases and tags not shown; versions are those in Baton's table",
    ]);
  });

  it('still fails on a registry that answers but refuses the request (not an outage)', async () => {
    const store = await storeWithOneVersion();
    const registry = new FailingRegistry(new RegistryRequestError(403, 'PERMISSION_DENIED', 'no access'));

    await expect(renderStatus('baton-demo', { store, registry, policiesDir: 'policies' })).rejects.toThrow(
      '403 PERMISSION_DENIED: no access',
    );
  });
});
