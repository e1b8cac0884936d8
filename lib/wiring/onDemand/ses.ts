/**
 * Approval links by e-mail through SES: imported on first use (lib/wiring/deferred.ts), only when
 * a link is e-mailed.
 */
import { SesApprovalMail, type SesMailSettings } from '../../adapters/notify/sesApprovalMail';
import { sesClient } from '../sesClient';

export function sesApprovalMail(settings: SesMailSettings): SesApprovalMail {
  return new SesApprovalMail(sesClient(), settings);
}
