/**
 * Approval links by e-mail through Amazon SES (the official SESv2 client, injected): one message
 * per approver, addressed to that approver alone, from the configured sender identity, with an
 * optional configuration set (sending events, suppression) and subject prefix. SDK failures
 * become the typed delivery errors below: a refusal (unverified sender, bad address, paused
 * account) will not change on retry; throttling, 5xx and network failures will.
 *
 * @example
 *   const mail = new SesApprovalMail(new SESv2Client({}), { from: 'baton@acme.io', subjectPrefix: '[prod] ' });
 *   await mail.send('bob@acme.io', { request, person, link });
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Person } from '../../domain/people';
import type { LinkChannel } from './approvalLinkDelivery';
import { type ApprovalLinkMessage, renderApprovalEmail } from './approvalLinkMessage';
import { type DeliveryError, EmailRejectedError, EmailUnavailableError } from './errors';

export interface SesMailSettings {
  /** The verified sender identity (APPROVAL_EMAIL_FROM). */
  from: string;
  /** An SES configuration set for sending events (APPROVAL_EMAIL_CONFIGURATION_SET). */
  configurationSetName?: string;
  /** Put before every subject, e.g. `[prod] ` (APPROVAL_EMAIL_SUBJECT_PREFIX). */
  subjectPrefix?: string;
}

type SdkError = { name?: string; $fault?: 'client' | 'server'; $retryable?: unknown; $metadata?: unknown };

/** Throttling, server faults and errors SES never answered (network) are worth a retry. */
function translate(error: unknown): DeliveryError {
  const e = (error ?? {}) as SdkError;
  const code = e.name ?? 'unknown error';
  const retryable =
    e.$retryable !== undefined ||
    e.$fault === 'server' ||
    e.$metadata === undefined ||
    /Throttl|TooManyRequests/.test(code);
  return retryable ? new EmailUnavailableError(code, error) : new EmailRejectedError(code, error);
}

export class SesApprovalMail implements LinkChannel {
  readonly name = 'email';

  constructor(
    private readonly client: Pick<SESv2Client, 'send'>,
    private readonly settings: SesMailSettings,
  ) {}

  addressOf(person: Person): string | undefined {
    return person.email;
  }

  async send(address: string, message: ApprovalLinkMessage): Promise<void> {
    const mail = renderApprovalEmail(message, { subjectPrefix: this.settings.subjectPrefix });
    const command = new SendEmailCommand({
      FromEmailAddress: this.settings.from,
      Destination: { ToAddresses: [address] },
      Content: {
        Simple: {
          Subject: { Data: mail.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
        },
      },
      ...(this.settings.configurationSetName && { ConfigurationSetName: this.settings.configurationSetName }),
    });
    try {
      await this.client.send(command);
    } catch (error) {
      throw translate(error);
    }
  }
}
