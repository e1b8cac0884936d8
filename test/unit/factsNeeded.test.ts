import { describe, expect, it } from 'vitest';
import type { Artefact } from '../../events/artefact';
import type { DecisionEvent, PromotionEvent, RegistryEvent } from '../../events/promotionEvent';
import { type FactsNeeded, factsNeeded } from '../../lib/domain/factsNeeded';
import type { Policy } from '../../lib/domain/policy';
import type { VersionState } from '../../lib/domain/state';
import { aControlEvent, aCreatedEvent, aDueEvent, anAlertEvent, aPolicy } from '../support/builders';

const t0 = Date.parse('2026-11-22T12:00:00.000Z');
const approvers = ['ana@example.com'];
/** Promotion without traffic: approvals, aliases, tags. */
const plain = aPolicy({ approval: { approvers, minApprovals: 1 } });
/** A canary on a SageMaker endpoint, watching one alarm. */
const canary = aPolicy({
  approval: { approvers, minApprovals: 1 },
  rollout: {
    endpoint: { kind: 'sagemaker', name: 'fraud-prod' },
    steps: [10, 50, 100],
    bakeTime: '5s',
    abortOnAlarms: ['fraud-5xx'],
  },
});
const pinned: Artefact = {
  kind: 'sagemaker',
  image: 'ecr/fraud:7',
  modelDataUrl: 's3://models/fraud/7',
  instanceType: 'ml.m5.large',
  instanceCount: 1,
  tags: {},
};

function version(phase: VersionState['phase'], fields: Partial<VersionState> = {}): VersionState {
  return {
    model: 'fraud',
    version: '7',
    phase,
    revision: 3,
    updatedAt: new Date(t0).toISOString(),
    ...fields,
  };
}
type Rollout = NonNullable<VersionState['rollout']>;
function rollout(fields: Partial<Rollout> = {}): Rollout {
  return {
    endpoint: 'fraud-prod',
    kind: 'sagemaker',
    champion: '6',
    approvedBy: approvers,
    startedAt: new Date(t0).toISOString(),
    step: 0,
    weights: { '6': 90, '7': 10 },
    deadline: t0 + 45_000,
    alarms: ['fraud-5xx'],
    ...fields,
  };
}
const awaiting = version('awaiting_approval', { artefact: pinned, approvals: [] });
const rolling = version('rolling_out', { artefact: pinned, rollout: rollout() });
const promoted = version('promoted');
const approve: DecisionEvent = {
  type: 'decision',
  model: 'fraud',
  version: '7',
  decision: 'approve',
  actor: 'ana@example.com',
  via: 'cli',
  deliveryId: 'approve-1',
  receivedAt: new Date(t0).toISOString(),
};
const aliasMoved = (alias: string): RegistryEvent =>
  aCreatedEvent({ kind: 'model_version_alias.created', version: '5', alias });
const firing = { fingerprint: 'cloudwatch:arn:aws:cloudwatch:eu-west-1:000000000000:alarm:fraud-prod-5xx' };
const episode = `${firing.fingerprint}:2026-11-22T12:00:00.000Z`;

describe('the facts a decision must read', () => {
  it.each<[string, VersionState | null, PromotionEvent, Policy | undefined, FactsNeeded]>([
    ['a new version: its validation facts', null, aCreatedEvent(), plain, { validation: { version: '2' } }],
    [
      'a new version under a canary policy: the lease too',
      null,
      aCreatedEvent(),
      canary,
      { lease: true, validation: { version: '2' } },
    ],
    [
      'a version recorded unmanaged, now governed: validated afresh',
      version('unmanaged', { version: '2' }),
      aCreatedEvent(),
      plain,
      { validation: { version: '2' } },
    ],
    [
      'a version already decided: nothing',
      version('validated', { version: '2' }),
      aCreatedEvent(),
      plain,
      {},
    ],
    ['a model no policy covers: nothing', null, aCreatedEvent(), undefined, {}],
    ['a tag echo: nothing', null, aCreatedEvent({ kind: 'model_version_tag.set' }), plain, {}],
    ['the champion alias moved: the champion facts', null, aliasMoved('champion'), plain, { champion: true }],
    ['another alias moved: nothing', null, aliasMoved('challenger'), plain, {}],
    ['an approval: who holds the aliases', awaiting, approve, plain, { aliases: true }],
    [
      "an approval starting a pinned canary: the lease and the version's tags now",
      awaiting,
      approve,
      canary,
      { lease: true, aliases: true, artefactNow: { version: '7' } },
    ],
    [
      'a rejection of a pinned canary: no tags (no traffic moves)',
      awaiting,
      { ...approve, decision: 'reject' },
      canary,
      { lease: true, aliases: true },
    ],
    ['an approval for a version not waiting: nothing', promoted, approve, plain, {}],
    [
      "a canary step is due: the lease, the watched alarms, the version's tags now",
      rolling,
      aDueEvent(t0 + 5_000),
      canary,
      { lease: true, alarms: ['fraud-5xx'], artefactNow: { version: '7' } },
    ],
    [
      'a canary step watching no alarm: no alarm read',
      version('rolling_out', { rollout: rollout({ alarms: [] }) }),
      aDueEvent(t0 + 5_000),
      canary,
      { lease: true },
    ],
    [
      'a rollout waiting for the lease is due: the champion of now',
      version('rolling_out', { rollout: rollout({ step: -1, waitingFor: '5' }) }),
      aDueEvent(t0 + 30_000),
      canary,
      { lease: true, currentChampion: true, alarms: ['fraud-5xx'] },
    ],
    [
      'a person resumes a paused step: alarms and tags as for a due step',
      rolling,
      aControlEvent('resume', 'ana@example.com'),
      canary,
      { lease: true, alarms: ['fraud-5xx'], artefactNow: { version: '7' } },
    ],
    [
      "a person promotes now: the version's tags now, no alarm",
      rolling,
      aControlEvent('promote', 'ana@example.com'),
      canary,
      { lease: true, artefactNow: { version: '7' } },
    ],
    [
      'a person pauses: the lease only',
      rolling,
      aControlEvent('pause', 'ana@example.com'),
      canary,
      { lease: true },
    ],
    [
      'a rollback of a promoted champion: the archive holder',
      promoted,
      aControlEvent('rollback', 'ana@example.com'),
      plain,
      { rollbackTarget: { alias: 'archive' } },
    ],
    [
      'a rollback to a named version: that version',
      promoted,
      aControlEvent('rollback', 'ana@example.com', { to: '5' }),
      plain,
      { rollbackTarget: { version: '5' } },
    ],
    [
      'a rollback of a version that is not champion: no target',
      version('validated'),
      aControlEvent('rollback', 'ana@example.com'),
      plain,
      {},
    ],
    [
      'an alert routed to roll back the champion: its history and the archive holder',
      promoted,
      anAlertEvent({ action: 'rollback', rule: 0 }, {}, { version: '7' }),
      plain,
      { alertHistory: { ...firing, episode, lastRetrain: false }, rollbackTarget: { alias: 'archive' } },
    ],
    [
      'an alert routed to retrain: its history and the last retraining',
      promoted,
      anAlertEvent({ action: 'retrain', rule: 0 }, {}, { version: '7' }),
      plain,
      { alertHistory: { ...firing, episode, lastRetrain: true } },
    ],
    [
      'an alert during a canary: the lease as well',
      rolling,
      anAlertEvent({ action: 'abort', rule: 0 }, {}, { version: '7' }),
      canary,
      { lease: true, alertHistory: { ...firing, episode, lastRetrain: false } },
    ],
    [
      'an alert for a champion without rollout under a canary policy: no lease',
      promoted,
      anAlertEvent({ action: 'notify', rule: 0 }, {}, { version: '7' }),
      canary,
      { alertHistory: { ...firing, episode, lastRetrain: false } },
    ],
  ])('%s', (_case, state, event, policy, expected) => {
    // Prepare: the rows above.
    // Act
    const needed = factsNeeded(state, event, policy);
    // Assess
    expect(needed).toEqual(expected);
  });
});
