/**
 * The approved artefact is pinned: resolved at validation from the version's tags over the
 * policy, stored and shown with the verdict, carried by every traffic step, and a rollout whose
 * tags changed after approval stops with a reason that names the tag.
 */
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../events/notification';
import {
  type Artefact,
  artefactDrift as artefactDriftBy,
  pinnedDrift as pinnedDriftBy,
  resolveArtefact as resolveArtefactBy,
  type VersionFiles,
} from '../../lib/domain/artefact';
import { decide as decideWith, type Facts } from '../../lib/domain/decide';
import type { Effect } from '../../lib/domain/effects';
import type { Policy } from '../../lib/domain/policy';
import type { VersionState } from '../../lib/domain/state';
import { artefactRowsOf, artefactSpecFor, type ServingKind, servingCatalog } from '../../lib/wiring/catalog';
import { aCreatedEvent, aDueEvent, aPolicy, aRun, aVersion } from '../support/builders';

// The serving kinds' artefact rules come from the catalog, as gatherFacts and the renderers get them.
const resolveArtefact = (policy: Policy, version: VersionFiles) =>
  resolveArtefactBy(artefactSpecFor(policy), policy, version);
const artefactDrift = (pinned: Artefact, now: Artefact) =>
  artefactDriftBy(servingCatalog[now.kind as ServingKind].artefact, pinned, now);
const pinnedDrift = (policy: Policy, pinned: Artefact | undefined, now: VersionFiles | null | undefined) =>
  pinnedDriftBy(policy, pinned, now, artefactSpecFor(policy));
const artefactRows = artefactRowsOf;
const decide = (...[state, event, policy, facts, now]: Parameters<typeof decideWith>) =>
  decideWith(state, event, policy, { artefactSpec: artefactSpecFor(policy!), ...facts }, now);

const t0 = Date.parse('2026-11-22T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const endpoint = {
  kind: 'sagemaker',
  name: 'fraud-prod',
  image: 'ecr/fraud:policy',
  instanceType: 'ml.c5.xlarge',
  instanceCount: 2,
};
const sagemakerPolicy = aPolicy({
  approval: { approvers: ['ana@example.com'], minApprovals: 1 },
  rollout: { endpoint, steps: [10, 50, 100], bakeTime: '5s', abortOnAlarms: [] },
});
const files = (tags: Record<string, string> = {}, source = 's3://models/fraud/7/model.tar.gz') => ({
  name: 'fraud',
  version: '7',
  source,
  tags,
});
const pinned = resolveArtefact(sagemakerPolicy, files({ 'sagemaker.image': 'ecr/fraud:A' }));

describe('resolving the artefact a rollout will deploy', () => {
  it.each([
    [
      'the policy when the version has no tags',
      sagemakerPolicy,
      files(),
      {
        kind: 'sagemaker',
        image: 'ecr/fraud:policy',
        modelDataUrl: 's3://models/fraud/7/model.tar.gz',
        instanceType: 'ml.c5.xlarge',
        instanceCount: 2,
        tags: {},
      },
    ],
    [
      'the tags over the policy',
      sagemakerPolicy,
      files({
        'sagemaker.image': 'ecr/fraud:A',
        'sagemaker.model_data_url': 's3://other/model.tar.gz',
        'sagemaker.instance_type': 'ml.g5.xlarge',
        'sagemaker.instance_count': '3',
        git_sha: 'abc',
      }),
      {
        kind: 'sagemaker',
        image: 'ecr/fraud:A',
        modelDataUrl: 's3://other/model.tar.gz',
        instanceType: 'ml.g5.xlarge',
        instanceCount: 3,
        tags: {
          'sagemaker.image': 'ecr/fraud:A',
          'sagemaker.model_data_url': 's3://other/model.tar.gz',
          'sagemaker.instance_type': 'ml.g5.xlarge',
          'sagemaker.instance_count': '3',
        },
      },
    ],
    [
      'no model data when the source is not on S3',
      aPolicy({ rollout: { endpoint: { kind: 'sagemaker', name: 'p' }, steps: [100] } }),
      files({}, 'models:/m-123'),
      { kind: 'sagemaker', instanceType: 'ml.m5.large', instanceCount: 1, tags: {} },
    ],
    [
      'the entity a Databricks endpoint serves',
      aPolicy({ rollout: { endpoint: { kind: 'databricks', name: 'p' }, steps: [100] } }),
      files({ 'databricks.workload_size': 'Medium' }),
      {
        kind: 'databricks',
        entityName: 'fraud',
        entityVersion: '7',
        workloadSize: 'Medium',
        tags: { 'databricks.workload_size': 'Medium' },
      },
    ],
    [
      'only the files for a none endpoint',
      aPolicy({ rollout: { endpoint: { kind: 'none' }, steps: [100] } }),
      files({ 'sagemaker.image': 'ignored' }),
      { kind: 'none', source: 's3://models/fraud/7/model.tar.gz', tags: {} },
    ],
    [
      'only the files without a rollout',
      aPolicy(),
      files(),
      { kind: 'none', source: 's3://models/fraud/7/model.tar.gz', tags: {} },
    ],
  ])('takes %s', (_, policy, version, expected) => {
    expect(resolveArtefact(policy, version)).toEqual(expected);
  });

  it('leaves a malformed instance count unresolved, keeping the tag for the adapter to refuse', () => {
    const artefact = resolveArtefact(sagemakerPolicy, files({ 'sagemaker.instance_count': 'two' }));

    expect(artefact).not.toHaveProperty('instanceCount');
    expect(artefact.tags).toEqual({ 'sagemaker.instance_count': 'two' });
  });
});

describe('comparing the artefact of now with the pinned one', () => {
  it.each([
    ['the same tags', files({ 'sagemaker.image': 'ecr/fraud:A', note: 'x' }), null],
    [
      'a changed image tag',
      files({ 'sagemaker.image': 'ecr/fraud:B' }),
      'sagemaker.image changed after approval: was ecr/fraud:A, now ecr/fraud:B',
    ],
    [
      'a deleted image tag (the policy image would be deployed)',
      files(),
      'sagemaker.image changed after approval: was ecr/fraud:A, now ecr/fraud:policy',
    ],
    [
      'two changed tags',
      files({ 'sagemaker.image': 'ecr/fraud:B', 'sagemaker.instance_count': '9' }),
      'sagemaker.image changed after approval: was ecr/fraud:A, now ecr/fraud:B; ' +
        'sagemaker.instance_count changed after approval: was 2, now 9',
    ],
    ['a deleted version', null, 'the version was deleted from the registry after approval'],
    ['nothing read (no traffic step)', undefined, null],
  ])('with %s: %s', (_, now, reason) => {
    expect(pinnedDrift(sagemakerPolicy, pinned, now)).toBe(reason);
  });

  it('names the policy key when the policy decided the value', () => {
    const before = resolveArtefact(sagemakerPolicy, files());
    const changed = aPolicy({ rollout: { endpoint: { ...endpoint, image: 'ecr/fraud:new' }, steps: [100] } });

    expect(artefactDrift(before, resolveArtefact(changed, files()))).toBe(
      'rollout.endpoint.image changed after approval: was ecr/fraud:policy, now ecr/fraud:new',
    );
  });

  it('does not compare a record from before pinning', () => {
    expect(pinnedDrift(sagemakerPolicy, undefined, files({ 'sagemaker.image': 'B' }))).toBeNull();
  });
});

describe('showing the artefact to approvers', () => {
  it.each<[string, Artefact, Array<[string, string]>]>([
    [
      'a SageMaker artefact with where each value came from',
      pinned,
      [
        ['Image', 'ecr/fraud:A (tag sagemaker.image)'],
        ['Model data', 's3://models/fraud/7/model.tar.gz (version source)'],
        ['Instances', '2 × ml.c5.xlarge (policy)'],
      ],
    ],
    [
      'a Databricks entity',
      { kind: 'databricks', entityName: 'fraud', entityVersion: '7', workloadSize: 'Small', tags: {} },
      [
        ['Serves', 'fraud v7'],
        ['Workload size', 'Small (policy)'],
      ],
    ],
    [
      'the files when nothing is deployed',
      { kind: 'none', source: 's3://m/7', tags: {} },
      [['Model files', 's3://m/7 (Baton deploys nothing: the champion alias is the deployment)']],
    ],
  ])('shows %s', (_, artefact, rows) => {
    expect(artefactRows(artefact)).toEqual(rows);
  });
});

const awaiting: VersionState = {
  model: 'fraud',
  version: '7',
  phase: 'awaiting_approval',
  revision: 3,
  comparedWith: '6',
  approvals: [],
  artefact: pinned,
  expiresAt: iso(t0 + 3_600_000),
  dueAt: t0 + 3_600_000,
  updatedAt: iso(t0 - 60_000),
};
const rolling: VersionState = {
  ...awaiting,
  phase: 'rolling_out',
  revision: 4,
  dueAt: t0 + 5_000,
  rollout: {
    endpoint: 'fraud-prod',
    kind: 'sagemaker',
    champion: '6',
    approvedBy: ['ana@example.com'],
    startedAt: iso(t0),
    step: 0,
    weights: { '6': 90, '7': 10 },
    stepAt: iso(t0),
    deadline: t0 + 45_000,
    alarms: [],
  },
};
const approve = {
  type: 'decision',
  model: 'fraud',
  version: '7',
  decision: 'approve',
  actor: 'ana@example.com',
  via: 'cli',
  deliveryId: 'approve-1',
  receivedAt: iso(t0),
} as const;
const traffic = (effects: Effect[]) => effects.filter((e) => e.type === 'shiftTraffic');
const notices = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'notify' ? [e.notification] : []));
const retagged = files({ 'sagemaker.image': 'ecr/fraud:B' });
const changedReason = 'sagemaker.image changed after approval: was ecr/fraud:A, now ecr/fraud:B';

describe('validation pins the artefact', () => {
  const facts: Facts = {
    validation: {
      version: aVersion({
        version: '2',
        source: 's3://models/fraud/2',
        tags: { git_sha: 'abc', 'sagemaker.image': 'ecr/fraud:A' },
      }),
      run: aRun({ val_auc: 0.91, val_logloss: 0.4 }),
      champion: null,
    },
  };
  const decision = decide(null, aCreatedEvent(), sagemakerPolicy, facts, new Date(t0));
  const expected = resolveArtefact(sagemakerPolicy, facts.validation!.version);

  it('stores it with the verdict', () => {
    expect(decision.next?.artefact).toEqual(expected);
    expect(expected).toMatchObject({ image: 'ecr/fraud:A', modelDataUrl: 's3://models/fraud/2' });
  });

  it('puts it in the verdict audit entry and the approval request entry', () => {
    expect(decision.audit.map((a) => [a.kind, a.evidence.artefact])).toEqual([
      ['validation.passed', expected],
      ['approval.requested', expected],
    ]);
  });

  it('shows it in the approval request', () => {
    const [request] = notices(decision.effects) as Array<
      Extract<Notification, { kind: 'approval.requested' }>
    >;

    expect(request?.artefact).toEqual(expected);
  });
});

describe('every traffic step deploys the pinned artefact', () => {
  it('carries it on the first step after approval', () => {
    const started = decide(
      awaiting,
      approve,
      sagemakerPolicy,
      {
        aliases: { champion: '6', challenger: '7' },
        lease: null,
        artefactNow: files({ 'sagemaker.image': 'ecr/fraud:A' }),
      },
      new Date(t0),
    );

    expect(traffic(started.effects)).toEqual([
      {
        type: 'shiftTraffic',
        endpoint: 'fraud-prod',
        kind: 'sagemaker',
        weights: { '6': 90, '7': 10 },
        artefacts: { '7': pinned },
      },
    ]);
    expect(started.audit.find((a) => a.kind === 'rollout.started')?.evidence.artefact).toEqual(pinned);
  });

  it('carries it on the next step', () => {
    const next = decide(
      rolling,
      aDueEvent(t0 + 5_000),
      sagemakerPolicy,
      { lease: '7', artefactNow: files({ 'sagemaker.image': 'ecr/fraud:A' }) },
      new Date(t0 + 5_000),
    );

    expect(traffic(next.effects)).toEqual([
      expect.objectContaining({ weights: { '6': 50, '7': 50 }, artefacts: { '7': pinned } }),
    ]);
  });

  it('carries nothing for a record from before pinning, which reads its tags at shift time', () => {
    const legacy = { ...rolling, artefact: undefined };

    const next = decide(
      legacy,
      aDueEvent(t0 + 5_000),
      sagemakerPolicy,
      { lease: '7', artefactNow: retagged },
      new Date(t0 + 5_000),
    );

    expect(next.next?.phase).toBe('rolling_out');
    expect(traffic(next.effects)[0]).not.toHaveProperty('artefacts');
  });
});

describe('a tag changed after approval stops the rollout', () => {
  it('aborts at the next step with the reason, champion back at 100 %, people told', () => {
    const result = decide(
      rolling,
      aDueEvent(t0 + 5_000),
      sagemakerPolicy,
      { lease: '7', artefactNow: retagged },
      new Date(t0 + 5_000),
    );

    expect(result.next).toMatchObject({ phase: 'aborted', rollout: { weights: { '6': 100 } } });
    expect(traffic(result.effects).map((e) => e.type === 'shiftTraffic' && e.weights)).toEqual([
      { '6': 100 },
    ]);
    expect(notices(result.effects)).toEqual([
      expect.objectContaining({ kind: 'rollout.aborted', by: 'baton', reason: changedReason }),
    ]);
    expect(result.audit).toEqual([
      expect.objectContaining({
        kind: 'rollout.aborted',
        evidence: expect.objectContaining({ reason: changedReason }),
      }),
    ]);
  });

  it('aborts before the first step when the tag changed while approvals were collected, keeping the approval on record', () => {
    const result = decide(
      awaiting,
      { ...approve, responseUrl: 'https://hooks.slack.com/actions/T/1/x' },
      sagemakerPolicy,
      { aliases: { champion: '6', challenger: '7' }, lease: null, artefactNow: retagged },
      new Date(t0),
    );

    expect(result.next?.phase).toBe('aborted');
    expect(traffic(result.effects)).toEqual([]);
    expect(result.audit.map((a) => a.kind)).toEqual(['approval.recorded', 'rollout.aborted']);
    expect(result.effects).toContainEqual(
      expect.objectContaining({ type: 'respond', text: `Approved, but not rolled out: ${changedReason}.` }),
    );
    expect(notices(result.effects)).toEqual([
      expect.objectContaining({ kind: 'rollout.aborted', reason: changedReason, champion: '6' }),
    ]);
  });
});

describe('promoting now after a tag changed', () => {
  it('refuses to promote, aborts the rollout and tells the approver why', () => {
    const promote = {
      type: 'control',
      model: 'fraud',
      version: '7',
      action: 'promote',
      actor: 'ana@example.com',
      via: 'slack',
      responseUrl: 'https://hooks.slack.com/actions/T/1/x',
      deliveryId: 'promote-1',
      receivedAt: iso(t0 + 1_000),
    } as const;

    const result = decide(
      rolling,
      promote,
      sagemakerPolicy,
      { lease: '7', artefactNow: retagged },
      new Date(t0 + 1_000),
    );

    expect(result.next?.phase).toBe('aborted');
    expect(traffic(result.effects).map((e) => e.type === 'shiftTraffic' && e.weights)).toEqual([
      { '6': 100 },
    ]);
    expect(result.effects).toContainEqual(
      expect.objectContaining({
        type: 'respond',
        text: `Not promoted: ${changedReason}. The rollout is aborted.`,
      }),
    );
    expect(result.audit[0]).toMatchObject({
      kind: 'rollout.aborted',
      evidence: { reason: changedReason, outcome: 'refused' },
    });
  });

  it('carries the pinned artefact when the tags are unchanged', () => {
    const promote = {
      type: 'control',
      model: 'fraud',
      version: '7',
      action: 'promote',
      actor: 'ana@example.com',
      via: 'cli',
      deliveryId: 'promote-2',
      receivedAt: iso(t0 + 1_000),
    } as const;
    const unchanged = files({ 'sagemaker.image': 'ecr/fraud:A' });

    const result = decide(
      rolling,
      promote,
      sagemakerPolicy,
      { lease: '7', artefactNow: unchanged },
      new Date(t0 + 1_000),
    );

    expect(result.next?.phase).toBe('promoting');
    expect(traffic(result.effects)[0]).toMatchObject({ weights: { '7': 100 }, artefacts: { '7': pinned } });
  });
});

describe('showing an artefact with no model data', () => {
  it('says why there is none', () => {
    const artefact = resolveArtefact(sagemakerPolicy, files({}, 'models:/m-123'));

    expect(artefactRows(artefact)[1]).toEqual([
      'Model data',
      'none (no tag sagemaker.model_data_url, and the version source is not on s3://)',
    ]);
  });
});
