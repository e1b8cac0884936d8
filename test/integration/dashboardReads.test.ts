/**
 * The model page's table reads against the emulator: a model with more versions and history than
 * a page shows, written through the worker's own store, rendered by the dashboard's use case over
 * the real read adapter composed as lib/wiring/ui.ts composes it. Every command the DocumentClient
 * sends is counted by a middleware on the client itself, so the count is what DynamoDB would see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDashboardReader } from '../../lib/adapters/store/dashboardReader';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { answerDashboard } from '../../lib/app/ui/answerDashboard';
import { championMovesCache } from '../../lib/app/ui/championMoves';
import type { UiDeps } from '../../lib/app/ui/uiDeps';
import { emptyDirectory } from '../../lib/domain/people';
import type { AuditEntry, VersionState } from '../../lib/domain/state';
import { dynamoDocumentClient } from '../../lib/wiring/dynamoClient';
import { localCredentials } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { testStack, testStore, uniqueName } from '../support/localStack';

let stack: LocalStack;
let store: DynamoPromotionStore;

beforeAll(async () => {
  stack = await testStack('us-gov-east-1', { consumers: false, webhook: false });
  store = testStore(stack);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/** A month ago, a minute per entry: long before any page view of the test. */
const start = Date.now() - 30 * 24 * 3600_000;
const minute = (n: number) => new Date(start + n * 60_000).toISOString();

const entry = (model: string, version: string, at: string, kind: string): AuditEntry => ({
  at,
  model,
  version,
  kind,
  actor: kind === 'promotion.completed' ? 'approver@example.com' : 'baton',
  cause: `model_version.created:${model}:${version}`,
  evidence: {},
});

/** Version v through the worker's store: validated and approved, and every tenth made champion. */
async function saveVersion(model: string, v: number, at: (k: number) => string): Promise<void> {
  const version = String(v);
  const champion = v % 10 === 0;
  const state: VersionState = {
    model,
    version,
    phase: champion ? 'promoted' : 'archived',
    revision: 1,
    updatedAt: at(2),
  };
  await store.saveVersion(state, 0, [
    entry(model, version, at(0), 'validation.passed'),
    entry(model, version, at(1), 'approval.granted'),
    entry(model, version, at(2), champion ? 'promotion.completed' : 'version.archived'),
  ]);
}

/** 60 versions and 180 entries: more than a page (50) of each, six champions. */
async function seededModel(prefix: string): Promise<string> {
  const model = uniqueName(prefix);
  // One at a time: the emulator answers concurrent transactions with 500s.
  for (let v = 1; v <= 60; v++) await saveVersion(model, v, (k) => minute(v * 3 + k));
  return model;
}

/** The dashboard as the `ui` function composes it, on a client that records each command it sends. */
function countedDashboard() {
  const sent: string[] = [];
  const client = dynamoDocumentClient({
    region: stack.aws.region,
    endpoint: stack.aws.endpoint,
    credentials: localCredentials,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countTableRequests' },
  );
  const reader = new DynamoDashboardReader(client, stack.resources.resolveString({ Ref: 'BatonTable' }));
  const deps: UiDeps = {
    reader,
    championMoves: championMovesCache(reader, () => new Date()),
    queue: { enqueue: async () => undefined },
    policyFor: () => undefined,
    policyModels: [],
    people: emptyDirectory,
    now: () => new Date(),
  };
  const modelPage = async (model: string) => {
    const response = await answerDashboard(
      {
        method: 'GET',
        path: `/ui/models/${model}`,
        model,
        query: {},
        form: '',
        claims: { email: 'viewer@example.com' },
      },
      deps,
    );
    expect(response.statusCode).toBe(200);
    return response.body ?? '';
  };
  return { sent, modelPage };
}

const championsDrawn = (html: string) =>
  [...html.matchAll(/<line class="period" data-version="(\d+)"/g)].map((m) => m[1]);

describe('the model page’s table reads', () => {
  it('reads a model page in at most two table queries once the function is warm, history paginated', async () => {
    // Prepare
    const model = await seededModel('dash-reads');
    const dashboard = countedDashboard();
    await dashboard.modelPage(model);
    dashboard.sent.length = 0;

    // Act
    const html = await dashboard.modelPage(model);

    // Assess
    expect(dashboard.sent.length).toBeLessThanOrEqual(2);
    expect(new Set(dashboard.sent)).toEqual(new Set(['QueryCommand']));
    expect(html).toMatch(/history_before=[^"&]+/);
    expect(championsDrawn(html)).toEqual(['10', '20', '30', '40', '50', '60']);
  }, 120_000);

  it('draws a champion made since the previous view, still in at most two table queries', async () => {
    // Prepare
    const model = await seededModel('dash-moves');
    const dashboard = countedDashboard();
    await dashboard.modelPage(model);
    const now = new Date().toISOString();
    await saveVersion(model, 70, () => now);
    dashboard.sent.length = 0;

    // Act
    const html = await dashboard.modelPage(model);

    // Assess
    expect(dashboard.sent.length).toBeLessThanOrEqual(2);
    expect(championsDrawn(html)).toEqual(['10', '20', '30', '40', '50', '60', '70']);
  }, 120_000);
});
