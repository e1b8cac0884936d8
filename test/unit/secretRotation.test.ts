/**
 * Secrets rotate without a cold start: the secret store caches each value for 60 s on an injected
 * clock, a fresh read goes past the cache, and the registry client reads its token per request and
 * re-reads it once when the registry answers 401/403.
 */
import type { GetParameterCommand } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { RegistryRequestError } from '../../lib/adapters/registry/errors';
import { MlflowRegistry } from '../../lib/adapters/registry/mlflowRegistry';
import { type SsmCaller, SsmSecretStore } from '../../lib/adapters/secrets/secretStore';

/** SSM holding one parameter whose value the test rotates; counts the reads. */
function rotatingSsm(initial: string) {
  const ssm = {
    value: initial,
    reads: 0,
    async send(command: GetParameterCommand) {
      ssm.reads++;
      return { Parameter: { Name: command.input.Name, Value: ssm.value } };
    },
  };
  return ssm;
}

function setup(initial = 'token-1') {
  const ssm = rotatingSsm(initial);
  const clock = { ms: 1_795_000_000_000 };
  const secrets = new SsmSecretStore(ssm as unknown as SsmCaller, 60_000, () => clock.ms);
  return { ssm, clock, secrets };
}

describe('the secret store cache', () => {
  it.each([
    ['59 s', 59_000, 'token-1', 1],
    ['60 s', 60_000, 'token-2', 2],
    ['10 min', 600_000, 'token-2', 2],
  ])('after a rotation and %s, answers %s', async (_, elapsedMs, expected, reads) => {
    const { ssm, clock, secrets } = setup();
    await secrets.values('/baton/registry-token');
    ssm.value = 'token-2';

    clock.ms += elapsedMs;
    const [value] = await secrets.values('/baton/registry-token');

    expect([value, ssm.reads]).toEqual([expected, reads]);
  });

  it('reads past the cache when asked for a fresh value, and caches that value', async () => {
    const { ssm, secrets } = setup();
    await secrets.values('/baton/registry-token');
    ssm.value = 'token-2';

    const fresh = await secrets.values('/baton/registry-token', { fresh: true });
    const cached = await secrets.values('/baton/registry-token');

    expect([fresh, cached, ssm.reads]).toEqual([['token-2'], ['token-2'], 2]);
  });
});

const modelVersion = {
  name: 'fraud',
  version: '3',
  creation_timestamp: 1,
  source: 'runs:/r/model',
  status: 'READY',
};

/** A registry that accepts only `accepted` as bearer token (401 otherwise), reading its token from the store. */
function registryOn(secrets: SsmSecretStore, accepted: { token: string; status?: 401 | 403 }) {
  const sent: string[] = [];
  const fetch = async (_input: string | URL | Request, init: RequestInit = {}) => {
    const authorization = (init.headers as Record<string, string>).authorization ?? '';
    sent.push(authorization);
    if (authorization === `Bearer ${accepted.token}`) {
      return new Response(JSON.stringify({ model_version: modelVersion }), { status: 200 });
    }
    const error = { error_code: 'UNAUTHENTICATED', message: 'Invalid token' };
    return new Response(JSON.stringify(error), { status: accepted.status ?? 401 });
  };
  const registry = new MlflowRegistry({
    baseUrl: 'http://mlflow.test',
    token: async ({ fresh }) => (await secrets.values('/baton/registry-token', { fresh }))[0],
    fetch: fetch as typeof globalThis.fetch,
    sleep: async () => undefined,
  });
  return { registry, sent };
}

describe('the registry token', () => {
  it.each([401, 403] as const)(
    're-reads a token rotated within the cache TTL once after a %i, and succeeds with it',
    async (status) => {
      const { ssm, secrets } = setup();
      const { registry, sent } = registryOn(secrets, { token: 'token-1', status });
      await registry.getModelVersion('fraud', '3');
      ssm.value = 'token-2';
      const rotated = registryOn(secrets, { token: 'token-2', status });

      const version = await rotated.registry.getModelVersion('fraud', '3');

      expect(version?.version).toBe('3');
      expect(rotated.sent).toEqual(['Bearer token-1', 'Bearer token-2']);
      expect([sent.length, ssm.reads]).toEqual([1, 2]);
    },
  );

  it('fails with the registry’s 401 after one re-read when the token did not change', async () => {
    const { ssm, secrets } = setup('revoked-token');
    const { registry, sent } = registryOn(secrets, { token: 'some-other-token' });

    const call = registry.getModelVersion('fraud', '3');

    await expect(call).rejects.toBeInstanceOf(RegistryRequestError);
    await expect(call).rejects.toMatchObject({ status: 401 });
    expect([sent, ssm.reads]).toEqual([['Bearer revoked-token'], 2]);
  });

  it('re-reads at most once per request even when the new token is refused too', async () => {
    const { ssm, secrets } = setup();
    const { registry, sent } = registryOn(secrets, { token: 'never-issued' });
    await registry.getModelVersion('fraud', '3').catch(() => undefined);
    ssm.value = 'token-2';

    const call = registry.getModelVersion('fraud', '3');

    await expect(call).rejects.toMatchObject({ status: 401 });
    // The cached token, then the fresh one once; the second refusal ends the request.
    expect(sent).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-2']);
  });

  it('uses a token rotated more than 60 s ago without being refused first', async () => {
    const { ssm, clock, secrets } = setup();
    await secrets.values('/baton/registry-token');
    ssm.value = 'token-2';
    clock.ms += 61_000;
    const { registry, sent } = registryOn(secrets, { token: 'token-2' });

    await registry.getModelVersion('fraud', '3');

    expect(sent).toEqual(['Bearer token-2']);
  });
});
