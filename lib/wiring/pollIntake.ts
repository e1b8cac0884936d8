/**
 * The tick's poll intake, composed from the environment (lib/app/pollIntake.ts): on for registry
 * flavours that cannot push (registryCatalog.ts `registryIntake`, Unity Catalog), off for the others unless
 * REGISTRY_POLL_INTAKE=on (the tests run the real MLflow server as a registry without webhooks).
 * Settings:
 * - REGISTRY_POLL_INTAKE: `auto` (default: the flavour decides), `on` or `off`;
 * - REGISTRY_POLL_RPS: the registry's request budget in requests per second (default 10), spent as
 *   REGISTRY_POLL_RPS × TICK_SECONDS search requests per tick;
 * - TICK_SECONDS: the tick's period (default 60, the schedule's rate(1 minute));
 * - REGISTRY_POLL_PAGE_SIZE: versions per search request (default 1000; Unity Catalog allows 10,000);
 * - REGISTRY_POLL_UNORDERED: `true` searches an MLflow server without order_by, as Unity Catalog does.
 * The managed models are the exact names policies give, models governed by a glob policy that
 * Baton already made a champion for, and models a glob policy governs found through the registry's
 * model listing (discovery: Unity Catalog's model search cannot filter by a glob, so the listing is
 * read a few pages a tick, within the same budget, and matched here).
 *
 * @example
 *   const pollIntake = await pollIntakeFromEnv({ policies, store, queue }); // noPollIntake when off
 */
import * as z from 'zod/mini';
import { modelPattern } from '../adapters/policy/modelPattern';
import { type PolicyEntry, policyFor } from '../adapters/policy/policyLookup';
import { HttpClient } from '../adapters/registry/httpClient';
import { HttpModelDirectory } from '../adapters/registry/modelDirectory';
import { HttpVersionFeed } from '../adapters/registry/versionFeed';
import { DynamoDirectoryProgress, DynamoPollCursors } from '../adapters/store/dynamoPollCursors';
import { noPollIntake, type PollIntake, runPollIntake } from '../app/pollIntake';
import type { PromotionStore } from '../domain/ports';
import type { EventQueue } from '../domain/queuePorts';
import { readConfig } from './config';
import { dynamoDocumentClient } from './dynamoClient';
import { registryFlavors, registryIntake } from './registryCatalog';
import { secretStore } from './secrets';

const count = z.pipe(z.string().check(z.regex(/^\d+$/)), z.transform(Number));
const positive = z.pipe(z.string().check(z.regex(/^\d+(\.\d+)?$/)), z.transform(Number));

const configSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  MLFLOW_TRACKING_URI: z.url({ protocol: /^https?$/ }),
  REGISTRY_FLAVOR: z._default(z.enum(registryFlavors), 'mlflow'),
  REGISTRY_TOKEN_PARAM: z.optional(z.string()),
  REGISTRY_POLL_INTAKE: z._default(z.enum(['auto', 'on', 'off']), 'auto'),
  REGISTRY_POLL_RPS: z._default(positive, 10),
  TICK_SECONDS: z._default(count, 60),
  REGISTRY_POLL_PAGE_SIZE: z._default(count, 1000),
  REGISTRY_POLL_UNORDERED: z._default(z.enum(['true', 'false']), 'false'),
});

export interface PollIntakeWiring {
  policies: readonly PolicyEntry[];
  store: Pick<PromotionStore, 'listChampions'>;
  queue: EventQueue;
}

/**
 * The poll intake for this stage's registry, or the null intake when the registry pushes.
 *
 * @example
 *   await (await pollIntakeFromEnv({ policies, store, queue }))(new Date());
 */
export async function pollIntakeFromEnv(
  wiring: PollIntakeWiring,
  env: Record<string, string | undefined> = process.env,
): Promise<PollIntake> {
  const config = readConfig(configSchema, env);
  const intake = registryIntake[config.REGISTRY_FLAVOR];
  const on =
    config.REGISTRY_POLL_INTAKE === 'on' || (config.REGISTRY_POLL_INTAKE === 'auto' && !intake.pushes);
  if (!on) return noPollIntake;
  const http = new HttpClient({
    // Databricks serves both dialects under the workspace origin; an OSS server keeps its path prefix.
    baseUrl:
      config.REGISTRY_FLAVOR === 'mlflow'
        ? config.MLFLOW_TRACKING_URI
        : new URL(config.MLFLOW_TRACKING_URI).origin,
    ...(await registryAuth(config.REGISTRY_TOKEN_PARAM)),
  });
  const feed = new HttpVersionFeed(http, {
    dialect: intake.dialect,
    pageSize: config.REGISTRY_POLL_PAGE_SIZE,
    ordered: config.REGISTRY_POLL_UNORDERED !== 'true',
  });
  const db = dynamoDocumentClient();
  const cursors = new DynamoPollCursors(db, config.TABLE_NAME);
  const exact = wiring.policies.map((p) => p.policy.model).filter((m) => modelPattern(m).exact);
  // Glob policies: their models are found through the registry's model listing.
  const discovery =
    exact.length < wiring.policies.length
      ? {
          directory: new HttpModelDirectory(http, { dialect: intake.dialect }),
          progress: new DynamoDirectoryProgress(db, config.TABLE_NAME),
          governs: (model: string) => policyFor(wiring.policies, model) !== undefined,
        }
      : undefined;
  const managedModels = async () => {
    const known = (await wiring.store.listChampions()).map((c) => c.model);
    return [...new Set([...exact, ...known.filter((m) => policyFor(wiring.policies, m))])];
  };
  return (now) =>
    runPollIntake(
      {
        feed,
        cursors,
        queue: wiring.queue,
        managedModels,
        budgetPerTick: Math.floor(config.REGISTRY_POLL_RPS * config.TICK_SECONDS),
        tickMs: config.TICK_SECONDS * 1000,
        ...(discovery && { discovery }),
      },
      now,
    );
}

/** The registry token, read per request through the secret cache (a 401/403 re-reads it once). */
async function registryAuth(param: string | undefined) {
  if (!param) return {};
  const secrets = secretStore();
  return {
    auth: async ({ fresh }: { fresh: boolean }) => {
      const [token] = await secrets.values(param, { fresh });
      return token ? { token } : undefined;
    },
  };
}
