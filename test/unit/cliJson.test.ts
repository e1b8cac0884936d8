/**
 * `--json` on `baton status`, `history` and `champion`: the same facts as the text, as one JSON
 * object, from an in-memory store and registry.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { championCommand, historyCommand } from '../../cli/history';
import { statusCommand } from '../../cli/status';
import type { AuditEntry } from '../../lib/domain/state';
import { aVersion } from '../support/builders';
import { captureOutput } from '../support/captureOutput';
import { MemoryRegistry, MemoryStore } from '../support/fakes';

afterEach(() => vi.restoreAllMocks());

const promoted: AuditEntry = {
  at: '2026-11-20T10:00:00.000Z',
  model: 'fraud',
  version: '3',
  kind: 'promotion.completed',
  actor: 'bob@example.com',
  cause: 'decision:fraud:3',
  evidence: { previousChampion: '2' },
};
const refused: AuditEntry = {
  at: '2026-11-19T09:00:00.000Z',
  model: 'fraud',
  version: '3',
  kind: 'decision.refused',
  actor: 'carol@example.com',
  cause: 'decision:fraud:3',
  evidence: {
    outcome: 'refused',
    decision: 'approve',
    message: 'carol@example.com is not an approver of fraud',
  },
};

function auditOf(...entries: AuditEntry[]) {
  const store = new MemoryStore();
  store.audit.push(...entries);
  return () => ({ store });
}

describe('baton history --json', () => {
  it('prints the model and its audit entries, oldest first', async () => {
    const output = captureOutput();

    const code = await historyCommand(['fraud', '--json'], auditOf(promoted, refused));

    expect(code).toBe(0);
    expect(JSON.parse(output())).toEqual({ model: 'fraud', entries: [refused, promoted] });
  });

  it('prints an empty list for a model with no decisions', async () => {
    const output = captureOutput();

    await historyCommand(['fraud', '--json'], auditOf());

    expect(JSON.parse(output())).toEqual({ model: 'fraud', entries: [] });
  });
});

describe('baton champion --json', () => {
  it('prints the champion at that time, since when and by whose decision', async () => {
    const output = captureOutput();

    const code = await championCommand(
      ['fraud', '--at', '2026-11-21T00:00:00Z', '--json'],
      auditOf(promoted),
    );

    expect(code).toBe(0);
    expect(JSON.parse(output())).toEqual({
      model: 'fraud',
      at: '2026-11-21T00:00:00.000Z',
      champion: {
        version: '3',
        since: '2026-11-20T10:00:00.000Z',
        kind: 'promotion.completed',
        by: 'bob@example.com',
      },
    });
  });

  it('prints a null champion before any promotion, and exits 2 as the text form does', async () => {
    const output = captureOutput();

    const code = await championCommand(
      ['fraud', '--at', '2026-11-01T00:00:00Z', '--json'],
      auditOf(promoted),
    );

    expect(code).toBe(2);
    expect(JSON.parse(output())).toEqual({ model: 'fraud', at: '2026-11-01T00:00:00.000Z', champion: null });
  });
});

describe('baton status --json', () => {
  it("prints each version's phase, validation, aliases and failed checks, newest first, with the policy", async () => {
    const registry = new MemoryRegistry();
    const store = new MemoryStore();
    registry.add(aVersion({ name: 'baton-demo', version: '1', tags: { validation_status: 'PASSED' } }));
    registry.add(aVersion({ name: 'baton-demo', version: '2', tags: {}, creationTimestamp: 2 }));
    registry.aliases.set('baton-demo/challenger', '1');
    await store.saveVersion(
      {
        model: 'baton-demo',
        version: '2',
        phase: 'failed_validation',
        revision: 1,
        updatedAt: 'x',
        checks: [{ id: 'metric.val_auc', passed: false, reason: 'val_auc 0.72 < 0.8' }],
      },
      0,
      [],
    );
    const output = captureOutput();

    const code = await statusCommand(['baton-demo', '--json'], () => ({
      store,
      registry,
      policiesDir: 'policies',
    }));

    expect(code).toBe(0);
    expect(JSON.parse(output())).toEqual({
      model: 'baton-demo',
      policy: 'baton-demo',
      policyProblems: [],
      versions: [
        {
          version: '2',
          phase: 'failed_validation',
          validationStatus: null,
          aliases: [],
          failedChecks: [{ id: 'metric.val_auc', reason: 'val_auc 0.72 < 0.8' }],
        },
        { version: '1', phase: null, validationStatus: 'PASSED', aliases: ['challenger'], failedChecks: [] },
      ],
      rollouts: [],
      failures: [],
      pending: [],
      unavailable: [],
    });
  });

  it('prints a running rollout with its next check as an ISO time', async () => {
    const registry = new MemoryRegistry();
    const store = new MemoryStore();
    registry.add(aVersion({ name: 'fraud-detector', version: '7', tags: {} }));
    const rollout = {
      endpoint: 'fraud-prod',
      kind: 'sagemaker' as const,
      champion: '6',
      approvedBy: ['U024BE7LH'],
      startedAt: '2026-11-22T12:00:00.000Z',
      step: 1,
      weights: { '6': 50, '7': 50 },
      deadline: Date.parse('2026-11-22T16:30:00.000Z'),
      alarms: ['fraud-prod-5xx'],
    };
    await store.saveVersion(
      {
        model: 'fraud-detector',
        version: '7',
        phase: 'rolling_out',
        revision: 3,
        updatedAt: 'x',
        dueAt: Date.parse('2026-11-22T12:30:00.000Z'),
        rollout,
      },
      0,
      [],
    );
    const output = captureOutput();

    await statusCommand(['fraud-detector', '--json'], () => ({ store, registry, policiesDir: 'policies' }));

    expect(JSON.parse(output()).rollouts).toEqual([
      { version: '7', phase: 'rolling_out', dueAt: '2026-11-22T12:30:00.000Z', rollout },
    ]);
  });

  it('prints the text table without --json', async () => {
    const output = captureOutput();

    await statusCommand(['someone-else'], () => ({
      store: new MemoryStore(),
      registry: new MemoryRegistry(),
      policiesDir: 'policies',
    }));

    expect(output()).toBe('someone-else: unmanaged (no policy matches)\n\n(no versions in the registry)\n');
  });
});
