/**
 * The worker's use case run in the test process on a test stack, its deps built as
 * lib/wiring/promotion.ts builds them: the real MLflow registry, the stack's DynamoDB table
 * (store and ledger) and the emulator's SageMaker. Tests inject crashes by wrapping the SageMaker
 * client or the ledger, and move the clock past a bake time instead of sleeping through it.
 *
 * @example
 *   const worker = inProcessWorker(stack, [policy]);
 *   await processEvent(worker.created(model, '1'), worker.deps);
 *   await processEvent(await worker.dueNow(model, '1'), worker.deps);
 */
import type { DecisionEvent, DueEvent, RegistryEvent } from '../../events/promotionEvent';
import { MlflowRegistry } from '../../lib/adapters/registry/mlflowRegistry';
import { SageMakerEndpoint } from '../../lib/adapters/serving/sagemakerEndpoint';
import { DynamoModelLedger } from '../../lib/adapters/store/dynamoModelLedger';
import { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import type { PromotionDeps } from '../../lib/app/processEvent';
import type { Policy } from '../../lib/domain/policy';
import { localCredentials } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { type TestSageMaker, testSageMaker } from './awsCalls';
import { withNullDeps } from './fakes';
import { testDocuments } from './localStack';

export interface InProcessWorker {
  deps: PromotionDeps & { store: DynamoPromotionStore; ledger: DynamoModelLedger };
  /** The emulator's SageMaker, unwrapped: what an operator's DescribeEndpoint sees. */
  sagemaker: TestSageMaker;
  created(model: string, version: string): RegistryEvent;
  approve(model: string, version: string, actor?: string): DecisionEvent;
  /** Moves the clock to the version's stored deadline and returns the tick's event for it. */
  dueNow(model: string, version: string): Promise<DueEvent>;
  /** The endpoint's weights by version in whole percent, as DescribeEndpoint reports them ({} when absent). */
  liveWeights(endpoint: string): Promise<Record<string, number>>;
}

export function inProcessWorker(
  stack: LocalStack,
  policies: Policy[],
  seams: { sagemaker?: (real: TestSageMaker) => TestSageMaker } = {},
): InProcessWorker {
  const db = testDocuments(stack);
  const table = stack.resources.resolveString({ Ref: 'BatonTable' });
  const sagemaker = testSageMaker({
    region: stack.aws.region,
    credentials: localCredentials,
    env: { AWS_ENDPOINT_URL: stack.aws.endpoint },
  });
  const serving = new SageMakerEndpoint({
    client: seams.sagemaker ? seams.sagemaker(sagemaker) : sagemaker,
    executionRoleArn: 'arn:aws:iam::000000000000:role/baton-test-models',
    pollMs: 100,
  });
  // A bake time passes by moving this clock on, never by sleeping.
  let skewMs = 0;
  const now = () => new Date(Date.now() + skewMs);
  const deps: InProcessWorker['deps'] = withNullDeps({
    registry: new MlflowRegistry({ baseUrl: stack.mlflowUrl }),
    store: new DynamoPromotionStore(db, table),
    ledger: new DynamoModelLedger(db, table),
    notifier: { publish: async () => undefined },
    policyFor: (model: string) => policies.find((p) => p.model === model),
    now,
    serving: () => serving,
  });
  const receivedAt = () => now().toISOString();

  return {
    deps,
    sagemaker,
    created: (model, version) => ({
      type: 'registry',
      kind: 'model_version.created',
      source: 'mlflow',
      model,
      version,
      deliveryId: `created-${model}-${version}`,
      occurredAt: receivedAt(),
      receivedAt: receivedAt(),
    }),
    approve: (model, version, actor = 'U0APPROVER') => ({
      type: 'decision',
      model,
      version,
      decision: 'approve',
      actor,
      via: 'cli',
      deliveryId: `approve-${model}-${version}`,
      receivedAt: receivedAt(),
    }),
    async dueNow(model, version) {
      const dueAt = (await deps.store.getVersion(model, version))?.dueAt;
      if (dueAt === undefined) throw new Error(`${model} v${version} has no deadline`);
      skewMs = Math.max(skewMs, dueAt - Date.now());
      return {
        type: 'due',
        model,
        version,
        dueAt,
        deliveryId: `due-${model}-${version}-${dueAt}`,
        receivedAt: receivedAt(),
      };
    },
    async liveWeights(endpoint) {
      const described = await sagemaker
        .call<{ ProductionVariants?: Array<{ VariantName: string; CurrentWeight?: number }> }>(
          'DescribeEndpoint',
          { EndpointName: endpoint },
        )
        .catch((error: Error) => {
          if (/Could not find endpoint/.test(error.message)) return { ProductionVariants: [] };
          throw error;
        });
      const variants = described.ProductionVariants ?? [];
      const total = variants.reduce((sum, v) => sum + (v.CurrentWeight ?? 0), 0);
      return Object.fromEntries(
        variants.map((v) => [
          v.VariantName.replace(/^v/, ''),
          total > 0 ? Math.round(((v.CurrentWeight ?? 0) / total) * 100) : 0,
        ]),
      );
    },
  };
}
