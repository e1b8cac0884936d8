/**
 * The dashboard's reads of Baton's one table (lib/domain/dashboardPorts.ts), each a Query: no
 * Scan, no write. Eventually consistent reads (half the cost; a page a second old is fine). A
 * page is one request (Limit one more than shown, to know whether an older page exists); the
 * filtered reads let DynamoDB drop what the page does not show, so only that crosses the wire.
 *   CHAMPIONS, LEASE, the DueIndex   → which models exist and which versions wait for approval
 *   MODEL#<name> VERSION#<12 digits> → a model's versions, newest first by key
 *   AUDIT#<name> <ISO time>#…        → its audit trail, in time order by key
 *
 * @example
 *   const reader = new DynamoDashboardReader(dynamoDocumentClient(), 'baton-prod');
 *   await reader.auditPage('fraud-detector', 50); // { items: newest 50, older: '<cursor>' }
 */
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AuditFilter, DashboardReader, NewestFirst } from '../../domain/dashboardPorts';
import { Phase } from '../../domain/phases';
import { type AuditEntry, auditEntrySchema, type VersionState, versionStateSchema } from '../../domain/state';
import { type DynamoDocuments, queryAll } from './dynamoTable';

type Item = Record<string, unknown>;

function stripKeys(item: Item): Item {
  const { pk: _pk, sk: _sk, dueShard: _dueShard, ...rest } = item;
  return rest;
}

const toVersion = (item: Item) => versionStateSchema.parse(stripKeys(item));
const toEntry = (item: Item) => auditEntrySchema.parse(stripKeys(item));
const versionKey = (version: number) => `VERSION#${String(version).padStart(12, '0')}`;

/** `#a IN (:a0, :a1, …)` with its values. */
function inList(name: string, values: readonly string[]) {
  const keys = values.map((_, i) => `:${name}${i}`);
  return {
    expression: `#${name} IN (${keys.join(', ')})`,
    values: Object.fromEntries(keys.map((k, i) => [k, values[i]])),
  };
}

export class DynamoDashboardReader implements DashboardReader {
  constructor(
    private readonly db: DynamoDocuments,
    private readonly table: string,
  ) {}

  private query(input: Omit<QueryCommandInput, 'TableName'>) {
    return queryAll(this.db, { TableName: this.table, ...input });
  }

  private partition(pk: string, prefix?: string, projection?: string) {
    return this.query({
      KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(prefix && { ':prefix': prefix }) },
      ...(projection && { ProjectionExpression: projection }),
    });
  }

  private due() {
    return this.query({
      IndexName: 'DueIndex',
      KeyConditionExpression: 'dueShard = :due',
      ExpressionAttributeValues: { ':due': 'due' },
    });
  }

  /** One request, newest first: `limit` items and whether more are older (asked for one more). */
  private async newestFirst(input: Omit<QueryCommandInput, 'TableName'>, limit: number) {
    const items = await this.query({ ...input, ScanIndexForward: false, Limit: limit + 1 });
    return { items: items.slice(0, limit), more: items.length > limit };
  }

  async models(): Promise<string[]> {
    const [champions, leases, due] = await Promise.all([
      this.partition('CHAMPIONS', undefined, 'sk'),
      this.partition('LEASE', undefined, 'sk'),
      this.due(),
    ]);
    const names = [...champions, ...leases].map((item) => String(item.sk));
    names.push(...due.map((item) => String(item.model)));
    return [...new Set(names)].sort();
  }

  async waiting(): Promise<VersionState[]> {
    const due = await this.due();
    return due.filter((item) => item.phase === Phase.AwaitingApproval).map(toVersion);
  }

  async versionsPage(model: string, limit: number, older?: string): Promise<NewestFirst<VersionState>> {
    // The cursor is the version number last shown: the page holds the versions below it.
    const below = older === undefined ? undefined : Number(older) - 1;
    const { items, more } = await this.newestFirst(
      {
        KeyConditionExpression:
          below === undefined ? 'pk = :pk AND begins_with(sk, :lo)' : 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: {
          ':pk': `MODEL#${model}`,
          ':lo': 'VERSION#',
          ...(below !== undefined && { ':hi': versionKey(Math.max(0, below)) }),
        },
      },
      limit,
    );
    const versions = items.map(toVersion);
    return { items: versions, ...(more && { older: versions.at(-1)?.version }) };
  }

  async versionsIn(model: string, phases: readonly string[]): Promise<VersionState[]> {
    const phase = inList('phase', phases);
    const items = await this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: phase.expression,
      ExpressionAttributeNames: { '#phase': 'phase' },
      ExpressionAttributeValues: { ':pk': `MODEL#${model}`, ':prefix': 'VERSION#', ...phase.values },
    });
    return items.map(toVersion);
  }

  async rollouts(model: string): Promise<VersionState[]> {
    const items = await this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'attribute_exists(rollout)',
      ExpressionAttributeValues: { ':pk': `MODEL#${model}`, ':prefix': 'VERSION#' },
    });
    return items.map(toVersion);
  }

  async auditPage(model: string, limit: number, older?: string): Promise<NewestFirst<AuditEntry>> {
    // The cursor is the sort key of the entry last shown: the page holds the entries before it.
    const { items, more } = await this.newestFirst(
      {
        KeyConditionExpression: older === undefined ? 'pk = :pk' : 'pk = :pk AND sk < :older',
        ExpressionAttributeValues: {
          ':pk': `AUDIT#${model}`,
          ...(older !== undefined && { ':older': older }),
        },
      },
      limit,
    );
    return { items: items.map(toEntry), ...(more && { older: String(items.at(-1)?.sk) }) };
  }

  async auditWhere(model: string, filter: AuditFilter): Promise<AuditEntry[]> {
    const names: Record<string, string> = {};
    const values: Item = { ':pk': `AUDIT#${model}` };
    const conditions: string[] = [];
    if (filter.kinds?.length) {
      const kinds = inList('kind', filter.kinds);
      conditions.push(kinds.expression);
      Object.assign(values, kinds.values);
      names['#kind'] = 'kind';
    }
    if (filter.kindPrefix !== undefined) {
      conditions.push('begins_with(#kind, :kindPrefix)');
      values[':kindPrefix'] = filter.kindPrefix;
      names['#kind'] = 'kind';
    }
    if (filter.version !== undefined) {
      conditions.push('#version = :version');
      values[':version'] = filter.version;
      names['#version'] = 'version';
    }
    if (filter.since !== undefined) values[':since'] = filter.since;
    const items = await this.query({
      KeyConditionExpression: filter.since === undefined ? 'pk = :pk' : 'pk = :pk AND sk >= :since',
      ExpressionAttributeValues: values,
      ...(conditions.length && { FilterExpression: conditions.join(' AND ') }),
      ...(Object.keys(names).length && { ExpressionAttributeNames: names }),
    });
    return items.map(toEntry);
  }
}
