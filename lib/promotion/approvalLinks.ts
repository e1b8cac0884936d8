/**
 * Signed approval links, one per approver, and the port that hands each to its approver alone.
 * A link is a bearer credential that decides as its approver, so it never rides on the broadcast
 * `approval.requested` message (every subscriber of the notifications topic, and its DLQ, would
 * read every approver's link): the worker gives the request to an `ApprovalDelivery`, which
 * sends each approver their own link (lib/notify/approvalLinkDelivery: e-mail through SES, or a
 * Slack direct message).
 *
 * @example
 *   const links = new SignedApprovalLinks(key, 'https://api.example.com');
 *   links.linkFor({ model: 'fraud', version: '7', expiresAt }, 'bob@example.com');
 *   // 'https://api.example.com/approvals/eyJ…'
 */
import type { Notification } from '../../events/notification';
import { signApprovalToken } from '../ingress/approvalToken';

/** The broadcast approval request: what a delivery needs to address and word each link. */
export type ApprovalRequest = Extract<Notification, { kind: 'approval.requested' }>;

export interface ApprovalLinks {
  /**
   * The review-page URL that decides as `approver` (an entry of the policy's approvers, as
   * written: it resolves to the same person wherever the decision is judged), or undefined when
   * links are not configured.
   */
  linkFor(
    request: Pick<ApprovalRequest, 'model' | 'version' | 'expiresAt'>,
    approver: string,
  ): string | undefined;
}

export class SignedApprovalLinks implements ApprovalLinks {
  constructor(
    private readonly key: string,
    private readonly baseUrl: string,
  ) {}

  linkFor(request: Pick<ApprovalRequest, 'model' | 'version' | 'expiresAt'>, approver: string): string {
    const exp = Math.floor(Date.parse(request.expiresAt) / 1000);
    const token = signApprovalToken(
      { model: request.model, version: request.version, approver, exp },
      this.key,
    );
    return `${this.baseUrl.replace(/\/$/, '')}/approvals/${token}`;
  }
}

/** No key configured: approvers decide in Slack or with the CLI. */
export const noApprovalLinks: ApprovalLinks = { linkFor: () => undefined };

/** Sends each approver of a request their own link; idempotent on redelivery. */
export interface ApprovalDelivery {
  deliver(request: ApprovalRequest): Promise<void>;
}

/** Nothing to send: no link key, or no channel that reaches anyone. */
export const noApprovalDelivery: ApprovalDelivery = { deliver: async () => undefined };
