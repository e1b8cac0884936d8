/**
 * The stage's copy environments from its settings: which registries' token parameters the copier
 * may be told to read (only those under the prefix its role grants).
 */
import { describe, expect, it } from 'vitest';
import { environmentsFromEnv } from '../../lib/wiring/environments';

const secrets = { values: async () => ['token'] };
const settings = (tokenParam: string) => ({
  MLFLOW_TRACKING_URI: 'http://staging.example',
  REGISTRIES: JSON.stringify({ prod: { trackingUri: 'https://mlflow.prod.example', tokenParam } }),
  REGISTRIES_TOKEN_PARAM: '/baton/staging/registries/',
});

describe("other registries' token parameters", () => {
  it('are accepted under the prefix the copier may read', async () => {
    const environments = environmentsFromEnv(settings('/baton/staging/registries/prod'), secrets);
    expect((await environments.get('prod')).name).toBe('prod');
  });

  it('are refused elsewhere at load, naming the registry, the parameter and the prefix', () => {
    expect(() => environmentsFromEnv(settings('/baton/prod/registry-token'), secrets)).toThrow(
      'REGISTRIES: prod.tokenParam /baton/prod/registry-token is not under /baton/staging/registries/, the only parameters the copier may read',
    );
  });
});
