/**
 * `baton status` on a version whose stored intent is not fully applied: the effects left, the
 * events still to decide, the attempts and the last error, in the text and in `--json`, and
 * never a secret (a Slack response_url, a notice's signed links, a token in an error text).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeEffect, redactSecrets } from '../../cli/pending';
import { renderStatus, statusCommand } from '../../cli/status';
import type { PromotionEvent } from '../../events/promotionEvent';
import type { VersionState } from '../../lib/domain/state';
import { aVersion } from '../support/builders';
import { captureOutput } from '../support/captureOutput';
import { MemoryRegistry, MemoryStore } from '../support/fakes';

afterEach(() => vi.restoreAllMocks());

const approval: PromotionEvent = {
  type: 'decision',
  model: 'baton-demo',
  version: '4',
  decision: 'approve',
  actor: 'U0APPROVER',
  via: 'slack',
  responseUrl: 'https://hooks.slack.com/actions/T0/123/s3cr3tResp0nse',
  deliveryId: 'slack-1',
  receivedAt: '2026-11-25T10:00:00.000Z',
};

/** A store holding baton-demo v4 with this stored, unfinished work; the registry lists v4. */
async function withWork(intent: VersionState['intent']) {
  const store = new MemoryStore();
  const registry = new MemoryRegistry();
  registry.add(aVersion({ name: 'baton-demo', version: '4', tags: { validation_status: 'PASSED' } }));
  await store.saveVersion(
    {
      model: 'baton-demo',
      version: '4',
      phase: 'awaiting_approval',
      revision: 1,
      updatedAt: 'x',
      checks: [],
      dueAt: Date.parse('2026-11-25T10:01:20.000Z'),
      intent,
    },
    0,
    [],
  );
  return { store, registry, policiesDir: 'policies' };
}

/** The lines of the text output from the pending section on. */
const pendingSection = (output: string) => output.slice(output.indexOf('Pending work')).trimEnd().split('\n');

describe('baton status with stored work not applied yet', () => {
  it('shows an approval kept during an outage with its attempts, next retry and last error', async () => {
    const deps = await withWork({
      effects: [],
      received: [approval],
      attempts: 3,
      lastError: 'RegistryUnavailableError: GET model-versions/get: TypeError: fetch failed after 4 attempts',
    });

    const output = await renderStatus('baton-demo', deps);

    expect(pendingSection(output)).toEqual([
      'Pending work (stored, not applied yet; the tick retries it):',
      '  v4  to decide (1): approve by U0APPROVER (slack)',
      '      attempts 3, next retry 2026-11-25T10:01:20.000Z',
      '      last error: RegistryUnavailableError: GET model-versions/get: TypeError: fetch failed after 4 attempts',
    ]);
  });

  it('shows the effects left of a decision stopped halfway, without the Slack reply URL', async () => {
    const deps = await withWork({
      effects: [
        { type: 'setAlias', alias: 'champion', version: '4' },
        { type: 'respond', url: approval.responseUrl, text: 'Approved', replace: true },
      ],
      received: [],
      attempts: 1,
      lastError: 'AccessDeniedException: not authorized to perform: sagemaker:DescribeModel',
    });

    const output = await renderStatus('baton-demo', deps);

    expect(pendingSection(output)).toEqual([
      'Pending work (stored, not applied yet; the tick retries it):',
      '  v4  effects left (2): alias champion → v4; update the Slack message',
      '      attempts 1, next retry 2026-11-25T10:01:20.000Z',
      '      last error: AccessDeniedException: not authorized to perform: sagemaker:DescribeModel',
    ]);
    expect(output).not.toContain('s3cr3tResp0nse');
  });

  it('prints no pending section when no version has stored work', async () => {
    const deps = await withWork(undefined);

    const output = await renderStatus('baton-demo', deps);

    expect(output).not.toContain('Pending work');
  });

  it('prints the same work under "pending" with --json, with no secret in it', async () => {
    const deps = await withWork({
      effects: [
        { type: 'notify', notification: { kind: 'approval.requested', links: 'https://x/?sig=abc' } },
      ],
      received: [approval],
      attempts: 2,
      lastError:
        'RegistryRequestError: 401 UNAUTHENTICATED: Bearer dapi0123456789abcdef0123456789abcdef refused',
    });
    const output = captureOutput();

    await statusCommand(['baton-demo', '--json'], () => deps);

    expect(JSON.parse(output()).pending).toEqual([
      {
        version: '4',
        effects: ['notice approval.requested'],
        received: ['approve by U0APPROVER (slack)'],
        attempts: 2,
        lastError: 'RegistryRequestError: 401 UNAUTHENTICATED: Bearer [redacted] refused',
        retryAt: '2026-11-25T10:01:20.000Z',
      },
    ]);
    expect(output()).not.toMatch(/dapi0123|s3cr3tResp0nse|sig=abc/);
  });
});

describe('each stored effect named by what it does', () => {
  it.each([
    [{ type: 'setTag', version: '4', key: 'baton.phase', value: 'promoted' }, 'tag baton.phase on v4'],
    [{ type: 'setTags', version: '4', tags: { a: '1', b: '2' } }, 'tags a, b on v4'],
    [{ type: 'deleteAlias', alias: 'challenger', version: '4' }, 'remove alias challenger from v4'],
    [{ type: 'recordChampion', version: '4' }, 'record v4 as champion'],
    [{ type: 'recordPhase', version: '3', phase: 'archived' }, 'record v3 as archived'],
    [{ type: 'takeLease', version: '4' }, 'take the rollout lease for v4'],
    [{ type: 'releaseLease', version: '4' }, 'release the rollout lease of v4'],
    [
      { type: 'shiftTraffic', endpoint: 'fraud-prod', kind: 'sagemaker', weights: { '3': 90, '4': 10 } },
      'traffic on fraud-prod: v3 90%, v4 10%',
    ],
    [
      { type: 'finaliseEndpoint', endpoint: 'fraud-prod', kind: 'sagemaker', version: '4' },
      'leave only v4 on fraud-prod',
    ],
    [{ type: 'retrain', reason: 'drift', idempotencyKey: 'k' }, 'request retraining'],
    [{ type: 'audit', entry: { kind: 'approval.recorded' } }, 'audit approval.recorded'],
    [{ type: 'enqueue', event: { type: 'control' } }, 'enqueue a control event'],
    [
      { type: 'copyVersion', version: '4', model: 'fraud', registry: 'prod', approvedBy: [] },
      'copy v4 to fraud in prod',
    ],
    [{ type: 'somethingNewer' }, 'somethingNewer'],
  ])('%o reads "%s"', (effect, text) => {
    expect(describeEffect(effect)).toBe(text);
  });
});

describe('secrets in an error text', () => {
  it.each([
    ['401: Bearer dapi0123456789abcdef refused', '401: Bearer [redacted] refused'],
    [
      'GET https://ana:hunter2@mlflow.internal/api failed',
      'GET https://[redacted]@mlflow.internal/api failed',
    ],
    ['POST /approve?model=f&sig=deadbeef&v=4: 500', 'POST /approve?model=f&sig=[redacted]&v=4: 500'],
    ['bad token=abc123, retry', 'bad token=[redacted], retry'],
    ['workspace said dapi0123456789abcdef0123456789abcdef-2', 'workspace said [redacted]'],
    ['slack: xoxb-1234-5678-abcdEFGH invalid_auth', 'slack: [redacted] invalid_auth'],
    [
      'posting to https://hooks.slack.com/services/T0/B0/XyZ failed',
      'posting to https://hooks.slack.com/[redacted] failed',
    ],
    ['key AKIAIOSFODNN7EXAMPLE is not valid', 'key [redacted] is not valid'],
    [
      'RegistryUnavailableError: GET model-versions/get: 503 after 4 attempts',
      'RegistryUnavailableError: GET model-versions/get: 503 after 4 attempts',
    ],
  ])('%j is shown as %j', (text, shown) => {
    expect(redactSecrets(text)).toBe(shown);
  });
});
