/**
 * What the fault-injection scenarios count: each version's verdict in MLflow, and how many
 * validation audit entries Baton stored for it (0 = lost, more than 1 = duplicated).
 */

import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import type { mlflowApi } from '../../local/mlflowApi';
import { eventually, tagsOf } from './registryWaits';

export interface VersionRef {
  model: string;
  version: string;
}

/** Waits until every version has validation_status PASSED or FAILED; returns them in order. */
export function verdictsOf(api: ReturnType<typeof mlflowApi>, versions: VersionRef[], timeoutMs: number) {
  return eventually(
    async () => {
      const seen = await Promise.all(
        versions.map(async (v) => tagsOf(await api.getModelVersion(v.model, v.version)).validation_status),
      );
      return seen.every((s) => s === 'PASSED' || s === 'FAILED') ? seen : undefined;
    },
    timeoutMs,
    'a verdict on every version',
  );
}

/** Versions with no verdict audit entry (lost) and with more than one (duplicated). */
export async function validationTally(store: DynamoPromotionStore, versions: VersionRef[]) {
  const models = [...new Set(versions.map((v) => v.model))];
  const audits = (await Promise.all(models.map((m) => store.listAudit(m)))).flat();
  const perVersion = versions.map(
    (v) =>
      audits.filter(
        (a) =>
          a.model === v.model &&
          a.version === v.version &&
          // A verdict adopted from the registry's tags (the worker killed between its tag writes and
          // its record) is a recorded verdict too.
          (a.kind.startsWith('validation.') || a.kind === 'state.adopted'),
      ).length,
  );
  return {
    lost: perVersion.filter((n) => n === 0).length,
    duplicated: perVersion.filter((n) => n > 1).length,
  };
}
