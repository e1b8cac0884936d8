/**
 * Signed approval links for the approvers a policy names by e-mail: one review-page URL each,
 * valid until the request expires. Added to the approval request before it is published.
 *
 * @example
 *   const links = new SignedApprovalLinks(key, 'https://api.example.com');
 *   links.linksFor({ model: 'fraud', version: '7', approvers: ['bob@example.com'], expiresAt });
 *   // { 'bob@example.com': 'https://api.example.com/approvals/eyJ…' }
 */
import { signApprovalToken } from '../ingress/approvalToken';

export interface ApprovalLinks {
  linksFor(request: {
    model: string;
    version: string;
    approvers: string[];
    expiresAt: string;
  }): Record<string, string>;
}

export class SignedApprovalLinks implements ApprovalLinks {
  constructor(
    private readonly key: string,
    private readonly baseUrl: string,
  ) {}

  linksFor(request: {
    model: string;
    version: string;
    approvers: string[];
    expiresAt: string;
  }): Record<string, string> {
    const exp = Math.floor(Date.parse(request.expiresAt) / 1000);
    const links: Record<string, string> = {};
    for (const approver of request.approvers.filter((a) => a.includes('@'))) {
      const token = signApprovalToken(
        { model: request.model, version: request.version, approver, exp },
        this.key,
      );
      links[approver] = `${this.baseUrl.replace(/\/$/, '')}/approvals/${token}`;
    }
    return links;
  }
}

/** No key configured: approvers decide in Slack or with the CLI. */
export const noApprovalLinks: ApprovalLinks = { linksFor: () => ({}) };
