/**
 * The SageMaker serving adapter: one production variant per model version on a real-time
 * endpoint, traffic shifted with UpdateEndpointWeightsAndCapacities, variants added and removed
 * by moving the endpoint to a new endpoint config (UpdateEndpoint).
 *
 * Names (stable, so a repeated call finds what an earlier one made) and what each version is
 * deployed as (its pinned artefact) are in sagemakerDeployment.ts. Endpoint configs are named
 * `<endpoint>-v3-v4-<8 hex>`: the variants, then a hash of the whole variant list, so creating
 * the same desired config again after a crash is harmless ("already exists" counts as success).
 *
 * Models stay after finalise: the archive may need them to roll back.
 *
 * No operation waits out an update: each waits at most `readyWaitMs` (3 s) in all, then reports
 * `ready: false` without changing anything more; the use case keeps the step stored and the tick
 * comes back for it (sagemakerStatus.ts). setWeights changes nothing while the endpoint updates,
 * and nothing when it already serves the weights asked, so the tick's next look completes a step.
 *
 * @example
 *   const serving = new SageMakerEndpoint({ client: sageMakerClient(),
 *     executionRoleArn: 'arn:aws:iam::123456789012:role/baton-models' });
 *   await serving.prepare('fraud-prod', [champion, challenger]);
 *   await serving.setWeights('fraud-prod', { '3': 90, '4': 10 });
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  type SageMakerClient,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import * as z from 'zod/mini';
import {
  asPercentages,
  type EndpointTraffic,
  type ServedModel,
  type ServingEndpoint,
  type Weights,
} from '../../domain/servingPorts';
import { awsFailure } from '../aws/awsErrors';
import {
  EndpointNotFoundError,
  ServingError,
  ServingUnavailableError,
  UnknownVariantError,
  WeightsMismatchError,
} from './errors';
import {
  createModelInput,
  hash8,
  productionVariant,
  resourceName,
  sageMakerModelName,
  type Variant,
  variantName,
  variantOf,
  versionOf,
} from './sagemakerDeployment';
import {
  describeEndpointOutput,
  type LiveEndpoint,
  liveWeight,
  parse,
  settle,
  trafficOf,
  type WaitClock,
} from './sagemakerStatus';

export { sageMakerModelName };

export interface SageMakerEndpointOptions {
  /** The official SageMaker client (lib/wiring/awsClients.ts `sageMakerClient`). */
  client: Pick<SageMakerClient, 'send'>;
  /** The role models run as when the policy names none. */
  executionRoleArn?: string;
  /**
   * How long prepare, setWeights and finalise each wait in all for the endpoint to be InService;
   * default 3000 ms. Still updating then: they report `ready: false` and the tick checks again.
   */
  readyWaitMs?: number;
  /** Between DescribeEndpoint polls while waiting; default 1000 ms. */
  pollMs?: number;
  /** The clock the waits run on (tests: a fake one). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The SageMaker operations the adapter calls, by name. */
const commands = {
  CreateEndpoint: CreateEndpointCommand,
  CreateEndpointConfig: CreateEndpointConfigCommand,
  CreateModel: CreateModelCommand,
  DescribeEndpoint: DescribeEndpointCommand,
  DescribeEndpointConfig: DescribeEndpointConfigCommand,
  DescribeModel: DescribeModelCommand,
  UpdateEndpoint: UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacities: UpdateEndpointWeightsAndCapacitiesCommand,
} as const;

const describeEndpointConfigOutput = z.looseObject({ ProductionVariants: z.array(productionVariant) });

export class SageMakerEndpoint implements ServingEndpoint {
  readonly kind = 'sagemaker';
  private readonly clock: WaitClock;

  constructor(private readonly options: SageMakerEndpointOptions) {
    this.clock = {
      now: options.now ?? Date.now,
      sleep: options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms))),
      pollMs: options.pollMs ?? 1000,
    };
  }

  async describe(endpoint: string): Promise<EndpointTraffic | null> {
    const live = await this.live(endpoint);
    return live && trafficOf(live);
  }

  async prepare(endpoint: string, versions: ServedModel[]): Promise<EndpointTraffic> {
    if (versions.length === 0) throw new ServingError(`prepare ${endpoint}: no versions to serve`);
    const deadline = this.deadline();
    const live = await this.settled(endpoint, deadline);
    // Busy after the bounded wait: the caller asks again later (nothing can be changed now).
    if (live && live.EndpointStatus !== 'InService') return trafficOf(live);
    const served = new Set(live?.ProductionVariants?.map((v) => v.VariantName));
    const joining = versions.filter(
      (m, i) =>
        !served.has(variantName(m.version)) && versions.findIndex((o) => o.version === m.version) === i,
    );
    if (live && joining.length === 0) return trafficOf(live);
    const variants = live ? await this.currentVariants(live) : [];
    // A new endpoint starts with the first version at 100 % (SageMaker refuses all-zero weights).
    for (const m of joining) variants.push(variantOf(endpoint, m, !live && variants.length === 0 ? 100 : 0));
    for (const m of joining) await this.ensureModel(endpoint, m);
    const config = await this.createConfig(endpoint, variants);
    const target = { EndpointName: endpoint, EndpointConfigName: config };
    // Already exists: a concurrent invocation created it; what it serves is read below.
    await (live ? this.send('UpdateEndpoint', target) : this.send('CreateEndpoint', target, /already exist/));
    return trafficOf(await this.settledOrThrow(endpoint, deadline));
  }

  async setWeights(endpoint: string, weights: Weights): Promise<EndpointTraffic> {
    const deadline = this.deadline();
    const live = await this.settledOrThrow(endpoint, deadline);
    // Still updating after the bounded wait (a variant joining, an earlier shift): the tick comes back.
    if (live.EndpointStatus !== 'InService') return trafficOf(live);
    const variants = live.ProductionVariants ?? [];
    for (const version of Object.keys(weights)) {
      if (!variants.some((v) => v.VariantName === variantName(version))) {
        throw new UnknownVariantError(endpoint, version);
      }
    }
    const values = Object.values(weights);
    if (values.some((w) => !Number.isFinite(w) || w < 0) || !values.some((w) => w > 0)) {
      throw new ServingError(
        `weights for ${endpoint} must be ≥ 0 with at least one above 0: ${JSON.stringify(weights)}`,
      );
    }
    const desired = variants.map((v) => ({
      VariantName: v.VariantName,
      DesiredWeight: weights[versionOf(v.VariantName)] ?? 0,
    }));
    const asked = asPercentages(
      desired.map((d) => ({ key: versionOf(d.VariantName), weight: d.DesiredWeight })),
    );
    // Served already (the tick's next look at a shift that was still updating): nothing to change.
    const serving = trafficOf(live).variants;
    if (serving.every((v) => v.weight === (asked[v.version] ?? 0))) return trafficOf(live);
    await this.send('UpdateEndpointWeightsAndCapacities', {
      EndpointName: endpoint,
      DesiredWeightsAndCapacities: desired,
    });
    const after = await this.settledOrThrow(endpoint, deadline);
    // Still updating after the wait: the desired weights must be the ones asked; live ones follow.
    const reported = asPercentages(
      (after.ProductionVariants ?? []).map((v) => ({
        key: versionOf(v.VariantName),
        weight: after.EndpointStatus === 'InService' ? liveWeight(v) : (v.DesiredWeight ?? 0),
      })),
    );
    const keys = new Set([...Object.keys(asked), ...Object.keys(reported)]);
    if ([...keys].some((k) => (asked[k] ?? 0) !== (reported[k] ?? 0))) {
      throw new WeightsMismatchError(endpoint, asked, reported);
    }
    return trafficOf(after);
  }

  async finalise(endpoint: string, keep: ServedModel): Promise<EndpointTraffic> {
    const deadline = this.deadline();
    const live = await this.settledOrThrow(endpoint, deadline);
    if (live.EndpointStatus !== 'InService') return trafficOf(live);
    const kept = variantName(keep.version);
    const served = live.ProductionVariants ?? [];
    if (served.length === 1 && served[0]!.VariantName === kept) return trafficOf(live);
    let variant = (await this.currentVariants(live)).find((v) => v.VariantName === kept);
    if (!variant) {
      variant = variantOf(endpoint, keep, 100);
      await this.ensureModel(endpoint, keep);
    }
    const config = await this.createConfig(endpoint, [{ ...variant, InitialVariantWeight: 100 }]);
    await this.send('UpdateEndpoint', { EndpointName: endpoint, EndpointConfigName: config });
    return trafficOf(await this.settledOrThrow(endpoint, deadline));
  }

  /** The endpoint as DescribeEndpoint reports it; null when it does not exist. */
  private async live(endpoint: string): Promise<LiveEndpoint | null> {
    const output = await this.send('DescribeEndpoint', { EndpointName: endpoint }, /Could not find endpoint/);
    return output === undefined ? null : parse(describeEndpointOutput, output, 'DescribeEndpoint');
  }

  /** When one operation stops waiting: all its waits together last at most readyWaitMs. */
  private deadline(): number {
    return this.clock.now() + (this.options.readyWaitMs ?? 3000);
  }

  /** Polls until the endpoint is InService (or gone) or the operation's deadline has passed. */
  private settled(endpoint: string, deadline: number): Promise<LiveEndpoint | null> {
    return settle(endpoint, () => this.live(endpoint), deadline, this.clock);
  }

  private async settledOrThrow(endpoint: string, deadline: number): Promise<LiveEndpoint> {
    const live = await this.settled(endpoint, deadline);
    if (!live) throw new EndpointNotFoundError(endpoint);
    return live;
  }

  /** The endpoint's variants as its config defines them, at the weights they serve now. */
  private async currentVariants(live: LiveEndpoint): Promise<Variant[]> {
    const output = await this.send('DescribeEndpointConfig', { EndpointConfigName: live.EndpointConfigName });
    const config = parse(describeEndpointConfigOutput, output, 'DescribeEndpointConfig');
    return (live.ProductionVariants ?? []).flatMap((served) => {
      const variant = config.ProductionVariants.find((v) => v.VariantName === served.VariantName);
      return variant ? [{ ...variant, InitialVariantWeight: liveWeight(served) }] : [];
    });
  }

  /** Creates the version's SageMaker model unless it exists (models are immutable: an existing one is kept). */
  private async ensureModel(endpoint: string, m: ServedModel): Promise<void> {
    const name = sageMakerModelName(endpoint, m.version);
    if ((await this.send('DescribeModel', { ModelName: name }, /Could not find model/)) !== undefined) return;
    await this.send('CreateModel', createModelInput(name, m, this.options.executionRoleArn), /already exist/);
  }

  /** Creates the endpoint config for these variants under its content-derived name; returns the name. */
  private async createConfig(endpoint: string, variants: Variant[]): Promise<string> {
    const name = resourceName(
      `${endpoint}-${variants.map((v) => v.VariantName).join('-')}-${hash8(JSON.stringify(variants))}`,
    );
    await this.send(
      'CreateEndpointConfig',
      { EndpointConfigName: name, ProductionVariants: variants },
      /already exist/,
    );
    return name;
  }

  /**
   * One SageMaker call with its failures translated; resolves undefined when the call fails with a
   * ValidationException whose message matches `tolerate` (not found, already exists).
   */
  private async send(operation: keyof typeof commands, input: object, tolerate?: RegExp): Promise<unknown> {
    try {
      // Inputs are built (and outputs parsed) by this adapter's own zod schemas.
      const Command = commands[operation] as unknown as new (input: object) => never;
      return await this.options.client.send(new Command(input));
    } catch (error) {
      const failure = awsFailure(error);
      if (!failure) throw error;
      if (tolerate && failure.code === 'ValidationException' && tolerate.test(failure.message))
        return undefined;
      const message = `sagemaker.${operation} failed: ${failure.code}: ${failure.message}`;
      // An endpoint busy with an update refuses changes ("Cannot update in-progress endpoint").
      if (failure.retryable || /in-progress|in progress/i.test(failure.message)) {
        throw new ServingUnavailableError(message, { cause: error });
      }
      throw new ServingError(message, { cause: error });
    }
  }
}
