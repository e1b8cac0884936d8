/**
 * The dashboard's model page at real sizes: a model with 1,000 versions and 5,000 history
 * entries (a validation, an approval request and its answer per version, a champion every tenth,
 * some rollbacks and hand moves), written straight into the side region's Baton table with
 * BatchWriteItem in the store's own key layout, then the page rendered in process by the `ui`
 * function's use case (answerDashboard) reading that table through the real read adapter.
 * Server time only: from the request to the HTML, the table reads included, no HTTP. Requests to
 * DynamoDB are counted per page, to show the page reads a bounded amount whatever the history.
 * The first render (every champion move read) is reported apart from the rest (the moves kept by
 * the warm function, as in Lambda, and new ones picked from the newest page of history: two
 * Queries a page), and so is the emulator's floor: one bare one-item Query.
 *
 * @example
 *   const figures = await benchDashboard({ side, samples: 30, log });
 *   figures.ui_model_page_p95_ms; // e.g. 120 (target < 300)
 */
import { randomBytes } from 'node:crypto';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDashboardReader } from '../lib/adapters/store/dashboardReader';
import { answerDashboard } from '../lib/app/ui/answerDashboard';
import { championMovesCache } from '../lib/app/ui/championMoves';
import type { UiDeps } from '../lib/app/ui/uiDeps';
import { emptyDirectory } from '../lib/domain/people';
import {
  type AuditEntry,
  auditEntrySchema,
  type VersionState,
  versionStateSchema,
} from '../lib/domain/state';
import { dynamoDocumentClient } from '../lib/wiring/dynamoClient';
import { localCredentials } from '../local/resources';
import { MemoryDashboardReader } from '../test/support/dashboardFakes';
import type { SideResources } from './benchStack';
import { percentile, round } from './stats';

export const dashboardVersions = 1000;
export const dashboardEntries = 5000;

type Item = Record<string, unknown>;

const iso = (minute: number) => new Date(Date.UTC(2026, 0, 1) + minute * 60_000).toISOString();

/** Version v's record and five audit entries, keyed as lib/adapters/store/dynamoPromotionStore.ts keys them. */
export function seedItems(model: string, v: number): Item[] {
  const version = String(v);
  const at = (k: number) => iso(v * 10 + k);
  const checks = [
    { id: 'val_auc', passed: v % 7 !== 0, reason: `val_auc 0.${80 + (v % 19)} ≥ 0.80` },
    { id: 'runStatus', passed: true, reason: 'run FINISHED' },
  ];
  const champion = v % 10 === 0;
  const entry = (k: number, kind: string, actor: string, evidence: Item) => ({
    pk: `AUDIT#${model}`,
    sk: `${at(k)}#${version}#${k}`,
    at: at(k),
    model,
    version,
    kind,
    actor,
    cause: `model_version.created:${model}:${version}`,
    evidence,
  });
  // Every tenth champion is rolled back from; every 25th champion is moved by hand.
  const last = !champion
    ? entry(4, 'version.archived', 'baton', { reason: 'superseded by a newer challenger' })
    : v % 100 === 50
      ? entry(4, 'rollback.completed', 'oncall@example.com', { from: version, to: String(v - 10) })
      : v % 250 === 0
        ? entry(4, 'champion.changed_externally', 'baton', {
            from: version,
            to: String(v - 1),
            reverted: false,
          })
        : entry(4, 'rollout.finalised', 'baton', { endpoint: `${model}-prod` });
  return [
    {
      pk: `MODEL#${model}`,
      sk: `VERSION#${version.padStart(12, '0')}`,
      model,
      version,
      phase: v === dashboardVersions ? 'promoted' : checks[0]!.passed ? 'archived' : 'failed_validation',
      revision: 5,
      checks,
      registeredBy: 'trainer@example.com',
      updatedAt: at(4),
    },
    entry(0, checks[0]!.passed ? 'validation.passed' : 'validation.failed', 'baton', { checks }),
    entry(1, 'approval.requested', 'baton', { approvers: ['approver'], expiresAt: at(600) }),
    entry(2, 'approval.granted', 'approver@example.com', { via: 'slack', approvals: 1, of: 1 }),
    champion
      ? entry(3, 'promotion.completed', 'approver@example.com', {
          previousChampion: String(v - 10),
          approvedBy: ['approver@example.com'],
        })
      : entry(3, 'approval.expired', 'baton', { after: 'PT24H' }),
    last,
  ];
}

export async function seed(db: ReturnType<typeof dynamoDocumentClient>, table: string, model: string) {
  const items = Array.from({ length: dashboardVersions }, (_, i) => seedItems(model, i + 1)).flat();
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  // A few writers at once; what the emulator leaves unprocessed is written again.
  const writer = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all([writer(), writer(), writer(), writer()]);
  return items.length;
}

export async function benchDashboard(options: {
  side: SideResources;
  samples: number;
  log: (line: string) => void;
}): Promise<Record<string, number>> {
  const { side } = options;
  const db = dynamoDocumentClient({
    region: side.aws.region,
    endpoint: side.aws.endpoint,
    credentials: localCredentials,
  });
  const model = `benchui-${randomBytes(3).toString('hex')}`;
  const written = await seed(db, side.tableName, model);
  options.log(
    `  seeded ${model}: ${written} items (${dashboardVersions} versions, ${dashboardEntries} entries)`,
  );

  const counted = { requests: 0 };
  const counting = {
    send: (command: never) => {
      counted.requests += 1;
      return db.send(command);
    },
  } as Pick<typeof db, 'send'>;
  // Composed as lib/wiring/ui.ts composes the function: the champion moves kept across requests.
  const reader = new DynamoDashboardReader(counting, side.tableName);
  const deps: UiDeps = {
    reader,
    championMoves: championMovesCache(reader, () => new Date()),
    queue: { enqueue: async () => undefined },
    policyFor: () => undefined,
    policyModels: [],
    people: emptyDirectory,
    now: () => new Date(),
  };
  const render = async (query: Record<string, string> = {}) => {
    const started = performance.now();
    const response = await answerDashboard(
      {
        method: 'GET',
        path: `/ui/models/${model}`,
        model,
        query,
        form: '',
        claims: { email: 'bench@example.com' },
      },
      deps,
    );
    const ms = performance.now() - started;
    if (response.statusCode !== 200)
      throw new Error(`the model page answered ${response.statusCode}: ${response.body}`);
    return { ms, html: response.body ?? '' };
  };

  // The page must show what it claims: a full page of history, the champion timeline, a cursor.
  const first = await render();
  const periods = first.html.match(/<line class="period"/g)?.length ?? 0;
  const older = /history_before=([^"&]+)/.exec(first.html)?.[1];
  if (periods < 50 || !older || !first.html.includes('v1000</td>')) {
    throw new Error(`the model page is incomplete: ${periods} champion periods, cursor ${older ?? 'none'}`);
  }
  // The emulator's floor: one bare Query of one item from the same partition (its HTTP and
  // serialisation; local/motoServer.py makes a Query read only its partition, as DynamoDB does).
  const floor: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    await db.send(
      new QueryCommand({
        TableName: side.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `AUDIT#${model}` },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    floor.push(performance.now() - started);
  }
  // The page's own work (parse, periods, charts, HTML) on the same records held in memory: what
  // the server time is apart from the table reads.
  const memory = { versions: [] as VersionState[], audit: [] as AuditEntry[] };
  for (let v = 1; v <= dashboardVersions; v++) {
    for (const { pk, sk: _sk, ...item } of seedItems(model, v)) {
      if (String(pk).startsWith('MODEL#')) memory.versions.push(versionStateSchema.parse(item));
      else memory.audit.push(auditEntrySchema.parse(item));
    }
  }
  const inMemory: UiDeps = { ...deps, reader: new MemoryDashboardReader(memory.versions, memory.audit) };
  delete inMemory.championMoves;
  const renderOnly: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const started = performance.now();
    await answerDashboard(
      {
        method: 'GET',
        path: `/ui/models/${model}`,
        model,
        query: {},
        form: '',
        claims: { email: 'bench@example.com' },
      },
      inMemory,
    );
    renderOnly.push(performance.now() - started);
  }
  counted.requests = 0;
  const samples: number[] = [];
  for (let i = 0; i < options.samples; i++) samples.push((await render()).ms);
  const requests = counted.requests / options.samples;
  const olderSamples: number[] = [];
  for (let i = 0; i < Math.max(5, Math.round(options.samples / 3)); i++)
    olderSamples.push((await render({ history_before: decodeURIComponent(older) })).ms);
  return {
    ui_model_page_first_ms: round(first.ms, 1),
    ui_query_floor_p50_ms: round(percentile(floor, 50), 1),
    ui_model_page_p50_ms: round(percentile(samples, 50), 1),
    ui_model_page_p95_ms: round(percentile(samples, 95), 1),
    ui_model_page_older_history_p50_ms: round(percentile(olderSamples, 50), 1),
    ui_model_page_render_only_p50_ms: round(percentile(renderOnly, 50), 1),
    ui_model_page_render_only_p95_ms: round(percentile(renderOnly, 95), 1),
    ui_model_page_dynamodb_requests: round(requests, 1),
    ui_model_page_html_bytes: Buffer.byteLength(first.html),
  };
}
