/**
 * Hands each approver of an approval request their own signed link, through the first channel
 * that reaches them: e-mail (SES) when the person has an address and a sender is configured,
 * else a Slack direct message when they have a Slack id. One channel per person, not both: the
 * link is a bearer credential, and every extra copy is one more place it can leak from; Slack
 * users also have the channel's Approve and Reject buttons. Approvers are resolved to people
 * (lib/domain/people), so two entries for one person get one link.
 *
 * Idempotent on redelivery: each send claims `approval-link:<model>:<version>:<person>` in the
 * delivery ledger first (lib/adapters/notify/idempotency), so a redelivered request sends nothing twice.
 * A send that fails with a retryable error is retried by throwing after every approver has been
 * tried; a refusal (unverified sender, unknown Slack user) is logged and not retried.
 *
 * @example
 *   const delivery = new PersonalApprovalDelivery({ links, channels: [mail, slackDms], ledger, people });
 *   await delivery.deliver(request); // bob@acme.io gets an e-mail, U0CAROL a Slack DM
 */

import {
  emptyDirectory,
  normaliseIdentity,
  type PeopleDirectory,
  type Person,
  personOf,
} from '../../domain/people';
import type { ApprovalDelivery, ApprovalLinks, ApprovalRequest } from '../../domain/ports';
import { logger } from '../../log';
import type { ApprovalLinkMessage } from './approvalLinkMessage';
import { DeliveryError } from './errors';
import type { DeliveryLedger } from './idempotency';

/** One way to reach a person with their link. */
export interface LinkChannel {
  /** For logs: `email`, `slack`. */
  readonly name: string;
  /** Where this channel reaches the person, or undefined when it cannot. */
  addressOf(person: Person): string | undefined;
  send(address: string, message: ApprovalLinkMessage): Promise<void>;
}

export type LogLine = (message: string, detail: Record<string, unknown>) => void;

export interface ApprovalDeliveryOptions {
  links: ApprovalLinks;
  /** In order of preference; the first that reaches a person is used. */
  channels: LinkChannel[];
  ledger: DeliveryLedger;
  /** Resolves approvers to people; an unknown identity is a person of one identity. */
  people?: PeopleDirectory;
  log?: LogLine;
}

/** The approvers of a request as distinct people, each with the entry their link decides as. */
function approversOf(request: ApprovalRequest, people: PeopleDirectory): Array<[string, Person]> {
  const byName = new Map<string, [string, Person]>();
  for (const entry of request.approvers) {
    const person = personOf(people, entry);
    const name = normaliseIdentity(person.name);
    if (!byName.has(name)) byName.set(name, [entry, person]);
  }
  return [...byName.values()];
}

/**
 * The idempotency key of one approver's link for one request.
 *
 * @example
 *   approvalLinkKey(request, person); // 'approval-link:fraud:7:alice'
 */
export function approvalLinkKey(request: ApprovalRequest, person: Person): string {
  return `approval-link:${request.model}:${request.version}:${person.name}`;
}

export class PersonalApprovalDelivery implements ApprovalDelivery {
  private readonly log: LogLine;

  constructor(private readonly options: ApprovalDeliveryOptions) {
    this.log = options.log ?? ((message, detail) => logger.warn(message, detail));
  }

  async deliver(request: ApprovalRequest): Promise<void> {
    const failures: DeliveryError[] = [];
    for (const [entry, person] of approversOf(request, this.options.people ?? emptyDirectory)) {
      const link = await this.options.links.linkFor(request, entry);
      if (link === undefined) return;
      const route = this.options.channels
        .map((channel) => ({ channel, address: channel.addressOf(person) }))
        .find((r) => r.address !== undefined);
      const about = { model: request.model, version: request.version, approver: person.name };
      if (!route) {
        this.log('approval link not sent: no configured channel reaches this approver', about);
        continue;
      }
      try {
        await this.sendOnce(approvalLinkKey(request, person), () =>
          route.channel.send(route.address!, { request, person, link }),
        );
      } catch (error) {
        const failure =
          error instanceof DeliveryError
            ? error
            : new DeliveryError(`approval link not sent: ${(error as Error).message}`, true, {
                cause: error,
              });
        this.log('approval link not sent', { ...about, channel: route.channel.name, error: failure });
        failures.push(failure);
      }
    }
    // Retryable failures fail the effect, so the worker's redelivery sends what is missing.
    const retryable = failures.find((f) => f.retryable);
    if (retryable) throw retryable;
  }

  private async sendOnce(key: string, send: () => Promise<void>): Promise<void> {
    const claim = await this.options.ledger.claim(key);
    // Sent by an earlier delivery of this request.
    if (claim === 'sent') return;
    try {
      await send();
    } catch (error) {
      await this.options.ledger.release(claim).catch(() => undefined);
      throw error;
    }
    // Sent: failing now would send again, so a lost mark is only logged.
    await this.options.ledger
      .markSent(claim)
      .catch((markError: unknown) => this.log('approval link sent, but not marked sent', { key, markError }));
  }
}

/**
 * The e-mail channel when no sender is configured: reaches nobody (a person with a Slack id
 * still gets a direct message), and says so once per cold start.
 *
 * @example
 *   const mail = config.APPROVAL_EMAIL_FROM ? new SesApprovalMail(client, settings) : new NoEmailChannel();
 */
export class NoEmailChannel implements LinkChannel {
  readonly name = 'email';
  private told = false;

  constructor(private readonly log: LogLine = (message, detail) => logger.warn(message, detail)) {}

  addressOf(): undefined {
    if (!this.told) {
      this.told = true;
      this.log('approval links are not e-mailed: APPROVAL_EMAIL_FROM is not set', {});
    }
    return undefined;
  }

  async send(): Promise<void> {}
}
