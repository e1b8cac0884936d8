import type { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDashboardReader } from '../../lib/adapters/store/dashboardReader';

/** A `send` that records each Query's input and answers the items given for it. */
function table(items: Array<Record<string, unknown>>) {
  const sent: Array<Record<string, unknown>> = [];
  const db = {
    send: async (command: QueryCommand) => {
      sent.push(command.input as Record<string, unknown>);
      return { Items: items.slice(0, command.input.Limit ?? items.length) };
    },
  };
  return { reader: new DynamoDashboardReader(db as never, 'baton'), sent };
}

const version = (v: number) => ({
  pk: 'MODEL#fraud',
  sk: `VERSION#${String(v).padStart(12, '0')}`,
  model: 'fraud',
  version: String(v),
  phase: 'archived',
  revision: 1,
  updatedAt: '2026-11-20T10:00:00.000Z',
});
const entry = (i: number) => ({
  pk: 'AUDIT#fraud',
  sk: `2026-11-20T10:${String(i).padStart(2, '0')}:00.000Z#${i}#0`,
  at: `2026-11-20T10:${String(i).padStart(2, '0')}:00.000Z`,
  model: 'fraud',
  version: String(i),
  kind: 'validation.passed',
  actor: 'baton',
  cause: 'x',
  evidence: {},
});

describe('the dashboard’s table reads', () => {
  it('reads a page of versions below the cursor, newest first, asking one more to know of older ones', async () => {
    const { reader, sent } = table([version(949), version(948), version(947)]);

    const page = await reader.versionsPage('fraud', 2, '950');

    expect(sent).toEqual([
      {
        TableName: 'baton',
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': 'MODEL#fraud', ':lo': 'VERSION#', ':hi': 'VERSION#000000000949' },
        ScanIndexForward: false,
        Limit: 3,
      },
    ]);
    expect(page).toEqual({
      items: [expect.objectContaining({ version: '949' }), expect.objectContaining({ version: '948' })],
      older: '948',
    });
  });

  it('gives no cursor on the last page', async () => {
    const { reader } = table([entry(2), entry(1)]);

    const page = await reader.auditPage('fraud', 50);

    expect(page.items).toHaveLength(2);
    expect(page.older).toBeUndefined();
  });

  it('reads the history before the cursor, which is the sort key of the last entry shown', async () => {
    const { reader, sent } = table([entry(9), entry(8)]);

    const page = await reader.auditPage('fraud', 1, '2026-11-20T10:10:00.000Z#10#0');

    expect(sent[0]).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND sk < :older',
      ExpressionAttributeValues: { ':pk': 'AUDIT#fraud', ':older': '2026-11-20T10:10:00.000Z#10#0' },
      ScanIndexForward: false,
      Limit: 2,
    });
    expect(page.older).toBe('2026-11-20T10:09:00.000Z#9#0');
  });

  it('lets the table filter the entries of a rollout from its start', async () => {
    const { reader, sent } = table([]);

    await reader.auditWhere('fraud', {
      kindPrefix: 'rollout.',
      version: '7',
      since: '2026-11-20T10:00:00.000Z',
    });

    expect(sent[0]).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND sk >= :since',
      FilterExpression: 'begins_with(#kind, :kindPrefix) AND #version = :version',
      ExpressionAttributeNames: { '#kind': 'kind', '#version': 'version' },
    });
  });
});
