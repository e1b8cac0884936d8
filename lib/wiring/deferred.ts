/**
 * Ports whose adapter is loaded on first use. A Lambda's cold start compiles every byte of its
 * bundle before the first invocation, yet the worker calls SageMaker only during rollouts,
 * CloudWatch only while a canary bakes, SES only when approval links are e-mailed, SNS only
 * when a decision notifies and SQS only when it hands an event, a copy or a retrain on. Those
 * adapters and their SDK clients are imported dynamically (lib/wiring/onDemand/), which esbuild
 * turns into chunks of their own (serverless.yml `splitting`), so a sandbox that only validates
 * never loads them. A failed load is retried on the next call, not kept.
 *
 * @example
 *   const alarms = new DeferredAlarmReader(onFirstUse(() => import('./onDemand/cloudwatch').then((m) => m.alarmReader())));
 */
import type { ServingKind } from '../../events/artefact';
import type { PromotionEvent } from '../../events/promotionEvent';
import type { LinkChannel } from '../adapters/notify/approvalLinkDelivery';
import type { ApprovalLinkMessage } from '../adapters/notify/approvalLinkMessage';
import type { CanaryMetrics, CanaryMetricsReader, CanaryMetricsRequest } from '../domain/analysisPorts';
import type { CopyJob, CopyRequests } from '../domain/copyPorts';
import type { Notification } from '../domain/effects';
import type { AlarmReader, AlarmState } from '../domain/monitoringPorts';
import type { Person } from '../domain/people';
import type { Notifier } from '../domain/ports';
import type { EventQueue } from '../domain/queuePorts';
import type {
  RetrainReceipt,
  RetrainRequest,
  RetrainTargetKind,
  RetrainTrigger,
} from '../domain/retrainPorts';
import type { EndpointTraffic, ServedModel, ServingEndpoint, Weights } from '../domain/servingPorts';

/** `load` once, on the first call; a rejected load is forgotten, so the next call tries again. */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

export class DeferredServingEndpoint implements ServingEndpoint {
  constructor(
    readonly kind: ServingKind,
    private readonly adapter: () => Promise<ServingEndpoint>,
  ) {}

  async describe(endpoint: string): Promise<EndpointTraffic | null> {
    return (await this.adapter()).describe(endpoint);
  }

  async prepare(endpoint: string, versions: ServedModel[]): Promise<EndpointTraffic> {
    return (await this.adapter()).prepare(endpoint, versions);
  }

  async setWeights(endpoint: string, weights: Weights): Promise<EndpointTraffic> {
    return (await this.adapter()).setWeights(endpoint, weights);
  }

  async finalise(endpoint: string, keep: ServedModel): Promise<EndpointTraffic> {
    return (await this.adapter()).finalise(endpoint, keep);
  }
}

export class DeferredAlarmReader implements AlarmReader {
  constructor(private readonly adapter: () => Promise<AlarmReader>) {}

  async states(names: string[]): Promise<Array<{ name: string; state: AlarmState; reason?: string }>> {
    return (await this.adapter()).states(names);
  }
}

export class DeferredCanaryMetrics implements CanaryMetricsReader {
  constructor(private readonly adapter: () => Promise<CanaryMetricsReader>) {}

  async read(request: CanaryMetricsRequest): Promise<CanaryMetrics> {
    return (await this.adapter()).read(request);
  }
}

/** A link channel whose sender is loaded on first send; who it reaches is known without it. */
export class DeferredLinkChannel implements LinkChannel {
  constructor(
    readonly name: string,
    readonly addressOf: (person: Person) => string | undefined,
    private readonly adapter: () => Promise<LinkChannel>,
  ) {}

  async send(address: string, message: ApprovalLinkMessage): Promise<void> {
    return (await this.adapter()).send(address, message);
  }
}

/** A notifier whose publisher (the SNS client, the text renderers) is loaded on first publish. */
export class DeferredNotifier implements Notifier {
  constructor(private readonly adapter: () => Promise<Notifier>) {}

  async publish(notification: Notification): Promise<void> {
    return (await this.adapter()).publish(notification);
  }
}

export class DeferredEventQueue implements EventQueue {
  constructor(private readonly adapter: () => Promise<EventQueue>) {}

  async enqueue(event: PromotionEvent): Promise<void> {
    return (await this.adapter()).enqueue(event);
  }
}

export class DeferredCopyRequests implements CopyRequests {
  constructor(private readonly adapter: () => Promise<CopyRequests>) {}

  async request(job: CopyJob): Promise<void> {
    return (await this.adapter()).request(job);
  }
}

/** A retrain target whose kind is known without loading its adapter. */
export class DeferredRetrainTrigger implements RetrainTrigger {
  constructor(
    readonly kind: RetrainTargetKind,
    private readonly adapter: () => Promise<RetrainTrigger>,
  ) {}

  async trigger(request: RetrainRequest): Promise<RetrainReceipt> {
    return (await this.adapter()).trigger(request);
  }
}
