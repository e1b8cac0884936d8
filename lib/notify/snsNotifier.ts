/**
 * Publishes notifications on the notifications SNS topic: JSON for Lambda and SQS subscribers,
 * plain text for e-mail and the rest, with the kind, model and idempotency key as message
 * attributes so subscribers can filter and deduplicate. Publishes through the small signed
 * query-protocol client (SNS speaks no JSON protocol), so the worker bundles no SDK client.
 *
 * @example
 *   await new SnsNotifier(snsClient(signingFromEnvironment()), topicArn).publish(notification);
 */
import type { AwsSigning } from '../aws/environmentSigning';
import { SignedQueryClient, type SignedQueryClientOptions, xmlElement } from '../aws/signedQueryClient';
import type { Notification } from '../domain/effects';
import type { Notifier } from '../promotion/ports';
import { renderText } from './slackBlocks';

export class NotifyError extends Error {
  constructor(cause: unknown) {
    super('could not publish the notification', { cause });
    this.name = 'NotifyError';
  }
}

/** SNS subjects are at most 100 printable characters. */
const what: Record<Notification['kind'], string> = {
  'validation.passed': 'passed validation',
  'validation.failed': 'failed validation',
  'approval.requested': 'awaits approval',
  'approval.rejected': 'was rejected',
  'approval.expired': 'approval request expired',
  'promotion.completed': 'is the new champion',
  'champion.changed': 'took the champion alias outside Baton',
  'rollout.started': 'rollout started',
  'rollout.paused': 'rollout paused',
  'rollout.aborted': 'rollout aborted',
  'rollback.completed': 'was rolled back',
  'rollback.impossible': 'cannot be rolled back: no safe version',
  'alert.received': 'alert received',
  'retrain.requested': 'retrain requested',
};

/** A page leads with the call to act, so a long model name cannot cut it off. */
const urgent: ReadonlySet<Notification['kind']> = new Set(['rollback.impossible']);

/**
 * The SNS subject (what e-mail subscribers see first): printable ASCII, at most 100 characters.
 *
 * @example
 *   subjectOf(n); // 'Baton: fraud v7 rollout paused'
 */
export function subjectOf(n: Notification): string {
  const prefix = urgent.has(n.kind) ? 'Baton ACT NOW:' : 'Baton:';
  return `${prefix} ${n.model} v${n.version} ${what[n.kind]}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

/**
 * A signed query-protocol client for SNS (honours AWS_ENDPOINT_URL_SNS and AWS_ENDPOINT_URL).
 *
 * @example
 *   const sns = snsClient({ region: 'eu-west-1', credentials });
 */
export function snsClient(
  signing: AwsSigning,
  options: Pick<SignedQueryClientOptions, 'env' | 'fetch' | 'timeoutMs' | 'retries'> = {},
): SignedQueryClient {
  return new SignedQueryClient({
    ...options,
    ...signing,
    service: 'sns',
    endpointPrefix: 'sns',
    version: '2010-03-31',
  });
}

/** Publish's string message attributes, in the query protocol's map encoding. */
function messageAttributes(attributes: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {};
  Object.entries(attributes).forEach(([name, value], i) => {
    const entry = `MessageAttributes.entry.${i + 1}`;
    params[`${entry}.Name`] = name;
    params[`${entry}.Value.DataType`] = 'String';
    params[`${entry}.Value.StringValue`] = value;
  });
  return params;
}

export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: Pick<SignedQueryClient, 'call'>,
    private readonly topicArn: string,
  ) {}

  async publish(notification: Notification): Promise<void> {
    try {
      const response = await this.sns.call('Publish', {
        TopicArn: this.topicArn,
        Subject: subjectOf(notification),
        // Machines (the notifier Lambda, queues) get the JSON; e-mail and every other protocol the text.
        MessageStructure: 'json',
        Message: JSON.stringify({
          default: renderText(notification),
          lambda: JSON.stringify(notification),
          sqs: JSON.stringify(notification),
        }),
        ...messageAttributes({
          kind: notification.kind,
          model: notification.model,
          idempotencyKey: notification.idempotencyKey,
        }),
      });
      // A 200 without a MessageId is not SNS's answer (a proxy, a wrong endpoint): nothing was published.
      if (!xmlElement(response, 'MessageId')) throw new Error(`no MessageId in ${response.slice(0, 200)}`);
    } catch (error) {
      throw new NotifyError(error);
    }
  }
}
