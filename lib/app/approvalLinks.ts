/**
 * Signed approval links, one per approver, and the port that hands each to its approver alone.
 * A link is a bearer credential that decides as its approver, so it never rides on the broadcast
 * `approval.requested` message (every subscriber of the notifications topic, and its DLQ, would
 * read every approver's link): the worker gives the request to an `ApprovalDelivery`, which
 * sends each approver their own link (lib/adapters/notify/approvalLinkDelivery: e-mail through SES, or a
 * Slack direct message).
 *
 * The key is read when a link is signed (a SecretSource over the process's secret cache), so a
 * rotated key signs new links within the cache's TTL; the approvals function verifies with every
 * value the parameter holds (`new,old` while rotating), so links signed before still open.
 *
 * @example
 *   const links = new SignedApprovalLinks(() => key(), 'https://api.example.com');
 *   await links.linkFor({ model: 'fraud', version: '7', expiresAt }, 'bob@example.com');
 *   // 'https://api.example.com/approvals/eyJ…'
 */
import type { ApprovalLinks, ApprovalRequest, SecretSource } from '../domain/ports';
import { signApprovalToken } from './ingress/approvalToken';

export type { ApprovalDelivery, ApprovalLinks, ApprovalRequest } from '../domain/ports';
export { noApprovalDelivery, noApprovalLinks } from '../domain/ports';

export class SignedApprovalLinks implements ApprovalLinks {
  /** `key`: the key itself, or its source, read per link (the first value is the current key). */
  constructor(
    private readonly key: string | SecretSource,
    private readonly baseUrl: string,
  ) {}

  async linkFor(
    request: Pick<ApprovalRequest, 'model' | 'version' | 'expiresAt'>,
    approver: string,
  ): Promise<string | undefined> {
    const key = typeof this.key === 'string' ? this.key : await this.key();
    // No key set (now): no link, as when none is configured; approvers decide in Slack or the CLI.
    if (!key) return undefined;
    const exp = Math.floor(Date.parse(request.expiresAt) / 1000);
    const token = signApprovalToken({ model: request.model, version: request.version, approver, exp }, key);
    return `${this.baseUrl.replace(/\/$/, '')}/approvals/${token}`;
  }
}
