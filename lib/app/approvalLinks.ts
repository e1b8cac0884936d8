/**
 * Signed approval links, one per approver, and the port that hands each to its approver alone.
 * A link is a bearer credential that decides as its approver, so it never rides on the broadcast
 * `approval.requested` message (every subscriber of the notifications topic, and its DLQ, would
 * read every approver's link): the worker gives the request to an `ApprovalDelivery`, which
 * sends each approver their own link (lib/adapters/notify/approvalLinkDelivery: e-mail through SES, or a
 * Slack direct message).
 *
 * @example
 *   const links = new SignedApprovalLinks(key, 'https://api.example.com');
 *   links.linkFor({ model: 'fraud', version: '7', expiresAt }, 'bob@example.com');
 *   // 'https://api.example.com/approvals/eyJ…'
 */
import type { ApprovalLinks, ApprovalRequest } from '../domain/ports';
import { signApprovalToken } from './ingress/approvalToken';

export type { ApprovalDelivery, ApprovalLinks, ApprovalRequest } from '../domain/ports';
export { noApprovalDelivery, noApprovalLinks } from '../domain/ports';

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
