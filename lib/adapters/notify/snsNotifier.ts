/**
 * Publishes notifications on the notifications SNS topic: JSON for Lambda and SQS subscribers,
 * plain text for e-mail and the rest, with the kind, model and idempotency key as message
 * attributes so subscribers can filter and deduplicate. Publishes with the official SNS client
 * (injected: lib/wiring/awsClients.ts `snsClient`).
 *
 * @example
 *   await new SnsNotifier(snsClient(), topicArn).publish(notification);
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from '../../domain/effects';
import type { Notifier } from '../../domain/ports';
import type { ArtefactRowsOf } from '../../domain/servingPorts';
import { renderText } from './notificationText';

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
  'copy.failed': 'copy to the next environment stopped: digest mismatch',
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

/** Publish's string message attributes. */
function messageAttributes(attributes: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );
}

export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: Pick<SNSClient, 'send'>,
    private readonly topicArn: string,
    /** How an approval request's pinned artefact reads in the e-mail text (the wiring's `artefactRowsOf`). */
    private readonly artefactRows?: ArtefactRowsOf,
  ) {}

  async publish(notification: Notification): Promise<void> {
    try {
      const response = await this.sns.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: subjectOf(notification),
          // Machines (the notifier Lambda, queues) get the JSON; e-mail and every other protocol the text.
          MessageStructure: 'json',
          Message: JSON.stringify({
            default: renderText(notification, this.artefactRows),
            lambda: JSON.stringify(notification),
            sqs: JSON.stringify(notification),
          }),
          MessageAttributes: messageAttributes({
            kind: notification.kind,
            model: notification.model,
            idempotencyKey: notification.idempotencyKey,
          }),
        }),
      );
      // A 200 without a MessageId is not SNS's answer (a proxy, a wrong endpoint): nothing was published.
      if (!response.MessageId) throw new Error('no MessageId in the Publish response');
    } catch (error) {
      throw new NotifyError(error);
    }
  }
}
