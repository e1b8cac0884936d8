/**
 * How the SageMaker adapter reads an endpoint's state, and how long it waits for one: the
 * DescribeEndpoint shape, its traffic as the serving port reports it, and the bounded wait for
 * InService. A real SageMaker update takes minutes, far longer than a Lambda should wait: each
 * operation waits at most `readyWaitMs` in all (default 3 s) and then reports `ready: false`, so
 * the use case leaves the step stored and the tick comes back for it (lib/app/traffic.ts,
 * lib/app/storedIntent.ts), instead of one slow endpoint holding an invocation for minutes.
 *
 * @example
 *   const live = await settle('fraud-prod', () => describe('fraud-prod'), clock.now() + 3000, clock);
 *   trafficOf(live!).ready; // false while the endpoint is still Updating after 3 s
 */
import * as z from 'zod/mini';
import { asPercentages, type EndpointTraffic } from '../../domain/servingPorts';
import { ServingError } from './errors';
import { versionOf } from './sagemakerDeployment';

export const describeEndpointOutput = z.looseObject({
  EndpointName: z.string(),
  EndpointConfigName: z.optional(z.string()),
  EndpointStatus: z.string(),
  FailureReason: z.optional(z.string()),
  ProductionVariants: z.optional(
    z.array(
      z.looseObject({
        VariantName: z.string(),
        CurrentWeight: z.optional(z.number()),
        DesiredWeight: z.optional(z.number()),
      }),
    ),
  ),
});
export type LiveEndpoint = z.infer<typeof describeEndpointOutput>;

/**
 * A SageMaker answer read by its schema; an unexpected shape is a ServingError naming the operation.
 *
 * @example
 *   const live = parse(describeEndpointOutput, output, 'DescribeEndpoint');
 */
export function parse<T extends z.ZodMiniType>(schema: T, output: unknown, operation: string): z.output<T> {
  const result = z.safeParse(schema, output);
  if (!result.success) throw new ServingError(`SageMaker ${operation} answered in an unexpected shape`);
  return result.data;
}

/** Endpoints in these states will not become InService by waiting. */
const stuck = new Set(['Failed', 'OutOfService', 'UpdateRollbackFailed', 'Deleting']);

/**
 * A variant's weight as it serves now (moto omits a weight of 0 on CreateEndpoint).
 *
 * @example
 *   liveWeight({ CurrentWeight: 90, DesiredWeight: 50 }); // 90
 */
export const liveWeight = (v: { CurrentWeight?: number; DesiredWeight?: number }) =>
  v.CurrentWeight ?? v.DesiredWeight ?? 0;

/**
 * The endpoint as the serving port reports it: ready only when InService.
 *
 * @example
 *   trafficOf(live).variants; // [{ variant: 'v3', version: '3', weight: 90 }, …]
 */
export function trafficOf(live: LiveEndpoint): EndpointTraffic {
  const variants = live.ProductionVariants ?? [];
  const percent = asPercentages(variants.map((v) => ({ key: v.VariantName, weight: liveWeight(v) })));
  return {
    endpoint: live.EndpointName,
    status: live.EndpointStatus,
    ready: live.EndpointStatus === 'InService',
    variants: variants.map((v) => ({
      variant: v.VariantName,
      version: versionOf(v.VariantName),
      weight: percent[v.VariantName] ?? 0,
    })),
  };
}

/** The adapter's clock: injected, so tests wait on a fake one. */
export interface WaitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Between DescribeEndpoint polls. */
  pollMs: number;
}

/**
 * Reads the endpoint until it is InService (or gone) or `deadline` has passed, and returns the
 * last read; a state that waiting cannot fix (Failed, OutOfService…) is a ServingError.
 *
 * @example
 *   const live = await settle('fraud-prod', read, Date.now() + 3000, clock); // null: no such endpoint
 */
export async function settle(
  endpoint: string,
  read: () => Promise<LiveEndpoint | null>,
  deadline: number,
  clock: WaitClock,
): Promise<LiveEndpoint | null> {
  for (;;) {
    const live = await read();
    if (!live || live.EndpointStatus === 'InService' || clock.now() >= deadline) return live;
    if (stuck.has(live.EndpointStatus)) {
      throw new ServingError(
        `endpoint ${endpoint} is ${live.EndpointStatus}${live.FailureReason ? `: ${live.FailureReason}` : ''}`,
      );
    }
    await clock.sleep(Math.max(0, Math.min(clock.pollMs, deadline - clock.now())));
  }
}
