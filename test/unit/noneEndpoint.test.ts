import { describe, expect, it } from 'vitest';
import { NoneEndpoint } from '../../lib/adapters/serving/noneEndpoint';
import { weightsOf } from '../../lib/domain/servingPorts';

const v4 = { model: 'fraud', version: '4', tags: {} };
const done = { endpoint: 'fraud-batch', status: 'none', ready: true, variants: [] };

describe('the none endpoint, for batch and streaming models', () => {
  it('has nothing to describe, so status shows no endpoint', async () => {
    expect(await new NoneEndpoint().describe('fraud-batch')).toBeNull();
  });

  it.each([
    ['prepare', (s: NoneEndpoint) => s.prepare('fraud-batch', [v4])],
    ['setWeights', (s: NoneEndpoint) => s.setWeights('fraud-batch', { '3': 90, '4': 10 })],
    ['finalise', (s: NoneEndpoint) => s.finalise('fraud-batch', v4)],
  ])('reports %s done and ready at once, so a rollout never waits on it', async (_, step) => {
    const traffic = await step(new NoneEndpoint());

    expect(traffic).toEqual(done);
    expect(weightsOf(traffic)).toEqual({});
  });

  it('is the serving kind a policy names with endpoint.kind: none', () => {
    expect(new NoneEndpoint().kind).toBe('none');
  });
});
