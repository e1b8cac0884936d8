/**
 * What one promotion costs in DynamoDB writes, counted by middleware on the client rather than
 * estimated: a version is registered, validated under a one-approver policy, approved and made
 * champion by the worker's own use case (processEvent) in process, against a table in the
 * bench's side region (so the stack's records are untouched).
 *
 * Counted are write *items*: PutItem, UpdateItem and DeleteItem count one, TransactWriteItems
 * one per item (DynamoDB bills transactional writes at twice the capacity of plain ones).
 *
 * @example
 *   const figures = await benchPromotionCost({ mlflowUrl, side });
 *   figures.dynamodb_writes_per_promotion; // e.g. 8
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { DecisionEvent, RegistryEvent } from '../events/promotionEvent';
import { MlflowRegistry } from '../lib/adapters/registry/mlflowRegistry';
import { DynamoPromotionStore } from '../lib/adapters/store/dynamoPromotionStore';
import { processEvent } from '../lib/app/processEvent';
import { dynamoDocumentClient } from '../lib/wiring/dynamoClient';
import { policySchema } from '../lib/wiring/policySchema';
import { localCredentials } from '../local/resources';
import { withNullDeps } from '../test/support/fakes';
import type { SideResources } from './benchStack';
import { mlflowDriver } from './mlflowDriver';

const writeItems: Record<string, (input: Record<string, unknown>) => number> = {
  PutCommand: () => 1,
  UpdateCommand: () => 1,
  DeleteCommand: () => 1,
  BatchWriteCommand: (input) =>
    Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>).reduce(
      (n, items) => n + items.length,
      0,
    ),
  TransactWriteCommand: (input) => ((input.TransactItems ?? []) as unknown[]).length,
};

export async function benchPromotionCost(options: {
  mlflowUrl: string;
  side: SideResources;
}): Promise<Record<string, number>> {
  const driver = mlflowDriver(options.mlflowUrl);
  // Outside the stack's bench-* policy, so the stack's own worker leaves this model alone.
  const model = `benchcost-${randomBytes(3).toString('hex')}`;
  await driver.api.ensureRegisteredModel(model);
  const version = await driver.register(model);
  const policy = policySchema.parse({
    model,
    checks: { runStatus: ['FINISHED'], metrics: [{ name: 'val_auc', min: 0.8 }] },
    approval: {
      required: true,
      approvers: ['bench@example.com'],
      minApprovals: 1,
      forbidSelfApproval: false,
    },
  });

  const client = dynamoDocumentClient({
    region: options.side.aws.region,
    endpoint: options.side.aws.endpoint,
    credentials: localCredentials,
  });
  const counted = { writes: 0, requests: 0 };
  // Every operation the store sends passes here: count the writes, then send it.
  const counting = {
    send: (command: { input: object }) => {
      const count = writeItems[command.constructor.name];
      if (count) {
        counted.requests += 1;
        counted.writes += count(command.input as Record<string, unknown>);
      }
      return client.send(command as never);
    },
  } as Pick<typeof client, 'send'>;
  const deps = withNullDeps({
    registry: new MlflowRegistry({ baseUrl: options.mlflowUrl }),
    store: new DynamoPromotionStore(counting, options.side.tableName),
    notifier: { publish: async () => undefined },
    policyFor: () => policy,
    now: () => new Date(),
  });
  const now = new Date().toISOString();
  const created: RegistryEvent = {
    type: 'registry',
    kind: 'model_version.created',
    source: 'mlflow',
    model,
    version,
    deliveryId: `bench-cost-${randomUUID()}`,
    occurredAt: now,
    receivedAt: now,
  };
  const approve: DecisionEvent = {
    type: 'decision',
    model,
    version,
    decision: 'approve',
    actor: 'bench@example.com',
    via: 'cli',
    deliveryId: `bench-cost-${randomUUID()}`,
    receivedAt: now,
  };
  const validated = await processEvent(created, deps);
  const promoted = await processEvent(approve, deps);
  if (validated.phase !== 'awaiting_approval' || promoted.phase !== 'promoted') {
    throw new Error(`the counted promotion ended ${validated.phase} → ${promoted.phase}`);
  }
  return {
    dynamodb_writes_per_promotion: counted.writes,
    dynamodb_write_requests_per_promotion: counted.requests,
  };
}
