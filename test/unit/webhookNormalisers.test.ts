import { describe, expect, it } from 'vitest';
import { normaliseDatabricksWebhook } from '../../events/databricksWebhook';
import { normaliseMlflowWebhook } from '../../events/mlflowWebhook';

const meta = { deliveryId: 'd-1', receivedAt: '2026-11-22T12:00:00.000Z' };

describe('registry webhook normalisers', () => {
  it.each([
    [
      {
        entity: 'model_version_tag',
        action: 'set',
        data: { name: 'fraud', version: '7', key: 'git_sha', value: 'abc' },
      },
      { kind: 'model_version_tag.set', tag: { key: 'git_sha', value: 'abc' } },
    ],
    [
      {
        entity: 'model_version_tag',
        action: 'deleted',
        data: { name: 'fraud', version: '7', key: 'git_sha' },
      },
      { kind: 'model_version_tag.deleted', tag: { key: 'git_sha' } },
    ],
    [
      { entity: 'registered_model', action: 'created', data: { name: 'fraud', tags: {}, description: '' } },
      { kind: 'registered_model.created', model: 'fraud' },
    ],
    [
      { entity: 'model_version', action: 'created', data: { name: 'fraud', version: 7 } },
      { kind: 'model_version.created', version: '7' },
    ],
  ])('normalises MLflow %j', (payload, expected) => {
    const result = normaliseMlflowWebhook({ timestamp: '2026-11-22T11:59:59+00:00', ...payload }, meta);

    expect(result).toEqual({
      event: expect.objectContaining({ ...expected, occurredAt: '2026-11-22T11:59:59.000Z' }),
    });
  });

  it('normalises a Databricks MODEL_VERSION_TAG_SET with its tag', () => {
    const result = normaliseDatabricksWebhook(
      { event: 'MODEL_VERSION_TAG_SET', model_name: 'fraud', version: '3', tags: [{ key: 'k', value: 'v' }] },
      meta,
    );

    expect(result).toEqual({
      event: expect.objectContaining({
        kind: 'model_version_tag.set',
        source: 'databricks',
        tag: { key: 'k', value: 'v' },
      }),
    });
  });

  it('ignores a Databricks stage transition, which Baton does not act on', () => {
    expect(
      normaliseDatabricksWebhook(
        { event: 'MODEL_VERSION_TRANSITIONED_STAGE', model_name: 'fraud', version: '3' },
        meta,
      ),
    ).toEqual({
      ignored: 'event MODEL_VERSION_TRANSITIONED_STAGE is not one Baton acts on',
    });
  });
});
