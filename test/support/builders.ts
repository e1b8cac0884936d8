/** Small builders for domain tests: a version, a run, a policy, and the events the worker consumes. */
import type {
  AlertEvent,
  ControlEvent,
  DueEvent,
  MonitoringAlert,
  RegistryEvent,
} from '../../events/promotionEvent';
import type { Policy } from '../../lib/domain/policy';
import type { ModelVersionInfo, RunInfo } from '../../lib/domain/ports';
import { policySchema } from '../../lib/wiring/policySchema';

export function aVersion(overrides: Partial<ModelVersionInfo> = {}): ModelVersionInfo {
  return {
    name: 'fraud',
    version: '2',
    status: 'READY',
    runId: 'run-2',
    description: 'gradient boosting, new features',
    userId: 'alice@example.com',
    tags: { git_sha: 'abc123' },
    aliases: [],
    creationTimestamp: 1_795_366_000_000,
    lastUpdatedTimestamp: 1_795_366_000_000,
    ...overrides,
  };
}

export function aRun(metrics: Record<string, number>, overrides: Partial<RunInfo> = {}): RunInfo {
  return { runId: 'run-2', status: 'FINISHED', metrics, tags: {}, ...overrides };
}

export function aPolicy(overrides: Record<string, unknown> = {}): Policy {
  return policySchema.parse({
    model: 'fraud',
    checks: {
      requiredTags: ['git_sha'],
      requireDescription: true,
      metrics: [{ name: 'val_auc', min: 0.8 }],
      compareToChampion: { metric: 'val_logloss', lowerIsBetter: true, tolerance: 0.005 },
      baseline: { name: 'val_auc', min: 0.75 },
    },
    ...overrides,
  });
}

export function aCreatedEvent(overrides: Partial<RegistryEvent> = {}): RegistryEvent {
  return {
    type: 'registry',
    kind: 'model_version.created',
    source: 'mlflow',
    model: 'fraud',
    version: '2',
    deliveryId: 'd-1',
    occurredAt: '2026-11-22T12:00:00.000Z',
    receivedAt: '2026-11-22T12:00:00.100Z',
    ...overrides,
  };
}

export function aDueEvent(dueAt: number, overrides: Partial<DueEvent> = {}): DueEvent {
  return {
    type: 'due',
    model: 'fraud',
    version: '7',
    dueAt,
    deliveryId: `due-${dueAt}`,
    receivedAt: new Date(dueAt).toISOString(),
    ...overrides,
  };
}

export function aControlEvent(
  action: ControlEvent['action'],
  actor: string,
  overrides: Partial<ControlEvent> = {},
): ControlEvent {
  return {
    type: 'control',
    model: 'fraud',
    version: '7',
    action,
    actor,
    via: 'cli',
    deliveryId: `${action}-${actor}`,
    receivedAt: '2026-11-22T12:00:00.000Z',
    ...overrides,
  };
}

export function anAlert(overrides: Partial<MonitoringAlert> = {}): MonitoringAlert {
  return {
    source: 'cloudwatch',
    name: 'fraud-prod-5xx',
    state: 'firing',
    labels: {},
    fingerprint: 'arn:aws:cloudwatch:eu-west-1:000000000000:alarm:fraud-prod-5xx',
    at: '2026-11-22T12:00:00.000Z',
    ...overrides,
  };
}

export function anAlertEvent(
  route: AlertEvent['route'],
  alert: Partial<MonitoringAlert> = {},
  overrides: Partial<AlertEvent> = {},
): AlertEvent {
  return {
    type: 'alert',
    model: 'fraud',
    alert: anAlert(alert),
    route,
    deliveryId: 'alert-1',
    receivedAt: '2026-11-22T12:00:00.100Z',
    ...overrides,
  };
}
