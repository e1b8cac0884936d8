/**
 * The catalog and the policy agree: every serving kind the policy accepts has an adapter factory
 * in lib/wiring/catalog.ts, building an adapter of that kind, and a kind without one is refused
 * with the list of kinds people may write.
 */
import { describe, expect, it } from 'vitest';
import { retrainTargetKinds } from '../../lib/domain/policy';
import { registryCatalog, retrainCatalog, servingCatalog, servingKinds } from '../../lib/wiring/catalog';
import { registryConfigSchema } from '../../lib/wiring/createRegistry';
import { policySchema } from '../../lib/wiring/policySchema';

const withEndpoint = (kind: string) => ({
  model: 'fraud',
  rollout: { endpoint: { kind, name: 'fraud-prod' }, steps: [100] },
});

describe('the catalog of kinds', () => {
  it('has one serving factory per serving kind the policy accepts', () => {
    expect(Object.keys(servingCatalog)).toEqual([...servingKinds]);
  });

  it.each(servingKinds)('accepts a %s endpoint in a policy and builds an adapter of that kind', (kind) => {
    // Prepare
    const context = { databricks: () => ({ request: async () => ({}) }) as never };

    // Act
    const parsed = policySchema.safeParse(withEndpoint(kind));
    const adapter = servingCatalog[kind].build(context);

    // Assess
    expect(parsed.success).toBe(true);
    expect(adapter.kind).toBe(kind);
  });

  it('refuses a serving kind the catalog does not build', () => {
    const parsed = policySchema.safeParse(withEndpoint('kserve'));

    expect(parsed.success).toBe(false);
  });

  it('has one retrain factory per retrain target kind the policy accepts', () => {
    expect(Object.keys(retrainCatalog)).toEqual([...retrainTargetKinds]);
  });

  it('takes the registry flavours from the catalog', () => {
    const flavours = Object.keys(registryCatalog);

    expect(flavours.map((flavor) => registryConfigSchema.shape.flavor.safeParse(flavor).success)).toEqual(
      flavours.map(() => true),
    );
  });
});
