/**
 * A Baton stack for one integration test file, on the shared MLflow and moto servers, in a
 * region of its own so files never see each other's resources.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import {
  DynamoPromotionStore,
  type DynamoPromotionStoreOptions,
} from '../../lib/adapters/store/dynamoPromotionStore';
import type { DynamoDocuments } from '../../lib/adapters/store/dynamoTable';
import { dynamoDocumentClient } from '../../lib/wiring/dynamoClient';
import { localCredentials } from '../../local/resources';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack';

const regions = [
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'us-west-1',
  'us-west-2',
  'ap-south-1',
  'ca-central-1',
  'sa-east-1',
  'ap-northeast-1',
  'eu-south-1',
  'ap-northeast-2',
  'me-south-1',
  'ap-southeast-1',
  'us-east-2',
  'eu-north-1',
  'af-south-1',
  'ap-east-2',
  'eu-central-2',
  'ap-southeast-2',
  'ap-northeast-3',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-south-2',
  'eu-south-2',
  'il-central-1',
  'me-central-1',
  'ca-west-1',
  // The least-privilege test's (on a moto server of its own, with IAM enforced).
  'ap-southeast-5',
  // approvalDuringOutage's (an approval given while the registry is unreachable), and in the chaos
  // group, which never runs beside the integration group, killPoints' (a kill at each effect boundary).
  'mx-central-1',
  // deadLetters' (a message dead-lettered, listed and redriven) and degradedCli's (registry down).
  'ap-southeast-7',
  'ap-southeast-6',
  // canaryAnalysis's (per-variant metrics in CloudWatch); `npm start` uses it on its own emulator.
  'us-east-1',
  // pollIntake's (intake without webhooks): every commercial region with SES v2 is taken, and the
  // emulator serves SES v2 in this one too.
  'us-gov-west-1',
  // dashboardReads' (the model page's table requests counted); the emulator serves SES v2 here too.
  'us-gov-east-1',
  // packagedFunctions' (the packaged bundles run end to end instead of the sources): every region
  // above with SES v2 is taken, and the emulator serves it in the European Sovereign Cloud's too.
  'eusc-de-east-1',
];

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * Where a test stack's function logs go: nowhere, unless BATON_TEST_LOGS names a folder (then one
 * file per region), to read what the functions did when a test fails on a busy machine.
 */
function stackLog(region: string): (line: string) => void {
  const dir = process.env.BATON_TEST_LOGS;
  if (!dir) return () => undefined;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${region}.log`);
  return (line) => appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
}

export async function testStack(
  region: string,
  options: Partial<LocalStackOptions> = {},
): Promise<LocalStack> {
  if (!regions.includes(region)) throw new Error(`pick one of ${regions.join(', ')}`);
  return startLocalStack({
    stateDir: inject('stateDir'),
    region,
    ports: { mlflow: 0, moto: 0, ingress: 0 },
    services: { mlflowUrl: inject('mlflowUrl'), motoUrl: inject('motoUrl') },
    webhookName: uniqueName(`baton-test-${region}`),
    log: stackLog(region),
    ...options,
  });
}

/** The DynamoDB DocumentClient on a test stack's emulator, built by the functions' factory. */
export function testDocuments(stack: LocalStack): DynamoDocuments {
  return dynamoDocumentClient({
    region: stack.aws.region,
    endpoint: stack.aws.endpoint,
    credentials: localCredentials,
  });
}

/** Baton's DynamoDB store of a test stack, read from the emulator as the functions read it. */
export function testStore(
  stack: LocalStack,
  options: DynamoPromotionStoreOptions = {},
): DynamoPromotionStore {
  return new DynamoPromotionStore(
    testDocuments(stack),
    stack.resources.resolveString({ Ref: 'BatonTable' }),
    options,
  );
}
