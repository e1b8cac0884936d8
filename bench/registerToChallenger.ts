/**
 * Register → challenger, end to end through MLflow's own webhook: the time from MLflow's REST API
 * confirming a new version (createModelVersion returns) until MLflow tells a subscriber that the
 * `challenger` alias points at it (a webhook of the bench's own, aliasWatcher.ts, which says why
 * not a poller: polling every 20 ms slowed the one-process MLflow it measured). Versions are
 * registered one at a time into one `bench-*` model whose champion is set, so each validation
 * reads and compares with the champion as in steady state;
 * the next version is registered only after the previous verdict is written.
 *
 * Interleaved with the samples, the floor: the same registry calls made back to back by a bare
 * client (bareValidation) on a fresh version of a model no policy covers, so Baton leaves it alone.
 * Last, the calls of one real validation are counted (countValidationCalls).
 *
 * @example
 *   const figures = await benchRegisterToChallenger({ mlflowUrl, side, versions: 20, floorReps: 10, log });
 *   figures.register_to_challenger_ratio; // p50 / floor p50
 */
import { randomBytes } from 'node:crypto';
import { policyFor } from '../lib/adapters/policy/policySet';
import { loadPolicySet } from '../lib/wiring/policyFiles';
import { type AliasWatcher, aliasWatcher } from './aliasWatcher';
import { benchPoliciesDir, type SideResources } from './benchStack';
import { mlflowDriver, tagsOf } from './mlflowDriver';
import { percentile, round, sleep } from './stats';
import { bareValidation, countValidationCalls } from './validationCalls';

export interface RegisterToChallengerOptions {
  mlflowUrl: string;
  side: SideResources;
  versions: number;
  floorReps: number;
  log: (line: string) => void;
}

const timeoutMs = 30_000;

/** The tags a passing validation writes besides validation_status: each check and the phase. */
function checkTagsOf(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags).filter(([key]) => key.startsWith('baton.') || key === 'validation_reasons'),
  );
}

export async function benchRegisterToChallenger(
  options: RegisterToChallengerOptions,
): Promise<Record<string, number>> {
  const driver = mlflowDriver(options.mlflowUrl);
  const id = randomBytes(3).toString('hex');
  const model = `bench-r2c-${id}`;
  // Not bench-*: no policy covers it, so Baton only records it as unmanaged.
  const floorModel = `floor-r2c-${id}`;
  await driver.api.ensureRegisteredModel(model);
  await driver.api.ensureRegisteredModel(floorModel);
  // Subscribed before the warm-up: MLflow reads its webhooks through a cache (1 s in the stack).
  const watcher = await aliasWatcher(options.mlflowUrl, model);
  try {
    return await measure(options, driver, model, floorModel, watcher);
  } finally {
    await watcher.close();
  }
}

async function measure(
  options: RegisterToChallengerOptions,
  driver: ReturnType<typeof mlflowDriver>,
  model: string,
  floorModel: string,
  watcher: AliasWatcher,
): Promise<Record<string, number>> {
  // Warm-up: the worker's cold start, then a champion, then one validation against it.
  options.log(`  warm-up: two validations of ${model} (the first starts the worker's sandbox)`);
  const first = await driver.register(model, await driver.run({ val_auc: 0.9, val_logloss: 0.31 }));
  if ((await driver.verdict(model, first, 60_000)) !== 'PASSED')
    throw new Error(`${model} v${first}: no PASSED`);
  await driver.setAlias(model, 'champion', first);
  const second = await driver.register(model);
  if ((await driver.verdict(model, second, timeoutMs)) !== 'PASSED') {
    throw new Error(`${model} v${second}: no PASSED verdict`);
  }
  const checkTags = checkTagsOf(tagsOf(await driver.api.getModelVersion(model, second)));
  await driver.setAlias(floorModel, 'champion', await driver.register(floorModel));

  const samples: number[] = [];
  const floor: number[] = [];
  const floorCalls: number[] = [];
  let missed = 0;
  let last = second;
  const floorEvery = Math.max(1, Math.floor(options.versions / options.floorReps));
  for (let i = 0; i < options.versions; i++) {
    const runId = await driver.run();
    const version = await driver.register(model, runId);
    last = version;
    const confirmed = performance.now();
    const at = await watcher.when('challenger', version, timeoutMs);
    const seen = at === undefined ? undefined : at - confirmed;
    if (seen === undefined) missed++;
    else samples.push(seen);
    // Let this validation finish (verdict, state, notice) before the next one starts.
    const verdict = await driver.verdict(model, version, timeoutMs);
    if (verdict !== 'PASSED') options.log(`  ${model} v${version}: verdict ${verdict ?? 'none'}`);

    if (i % floorEvery === 0 && floor.length < options.floorReps) {
      const fresh = await driver.register(floorModel);
      // Let MLflow deliver the created webhook (Baton records the model as unmanaged) first.
      await sleep(250);
      const rep = await bareValidation(options.mlflowUrl, floorModel, fresh, checkTags);
      floor.push(rep.ms);
      floorCalls.push(rep.calls);
    }
    if ((i + 1) % 10 === 0) options.log(`  ${i + 1}/${options.versions} versions`);
  }
  if (samples.length === 0) throw new Error('no version reached the challenger alias');

  const policy = policyFor(loadPolicySet(benchPoliciesDir).policies, model);
  if (!policy) throw new Error(`no bench policy covers ${model}`);
  const counted = await countValidationCalls({
    mlflowUrl: options.mlflowUrl,
    side: options.side,
    policy,
    model,
    version: last,
  });
  if (counted.phase !== 'validated') throw new Error(`the counted validation ended ${counted.phase}`);
  options.log(`  one validation's registry calls: ${counted.operations.join(', ')}`);
  if (floorCalls.some((n) => n !== counted.calls)) {
    options.log(`  warning: the floor made ${floorCalls[0]} calls, a validation ${counted.calls}`);
  }

  const p50 = percentile(samples, 50);
  const floorP50 = percentile(floor, 50);
  return {
    register_to_challenger_p50_ms: round(p50, 1),
    register_to_challenger_p95_ms: round(percentile(samples, 95), 1),
    register_to_challenger_floor_ms: round(floorP50, 1),
    register_to_challenger_ratio: round(p50 / floorP50),
    register_to_challenger_missed: missed,
    registry_calls_per_validation: counted.calls,
  };
}
