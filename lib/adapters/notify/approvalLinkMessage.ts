/**
 * What one approver receives with their own signed link: an e-mail (subject, plain text and
 * HTML) or a Slack direct message. Pure: the same request, person and link always give the same
 * message. The link decides as that approver, so every rendering says it is theirs alone; the
 * broadcast request (lib/adapters/notify/slackBlocks) shows who is asked, never a link.
 *
 * @example
 *   const mail = renderApprovalEmail({ request, person, link }, { subjectPrefix: '[prod] ' });
 *   mail.subject; // '[prod] Approval requested: fraud-detector v7'
 */

import type { Person } from '../../domain/people';
import type { ApprovalRequest } from '../../domain/ports';
import { escapeMrkdwn } from './slackBlockKit';

export interface ApprovalLinkMessage {
  request: ApprovalRequest;
  /** The approver the link decides as, resolved through the people directory. */
  person: Person;
  link: string;
}

export interface ApprovalEmail {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The facts an approver decides on, as plain lines: checks, who else is asked, the deadline. */
function summaryLines({ request }: ApprovalLinkMessage): string[] {
  const failed = request.checks.filter((c) => !c.passed);
  return [
    `${request.model} v${request.version} passed validation and waits for approval.`,
    `Checks: ${request.checks.length - failed.length} of ${request.checks.length} passed.`,
    `Approvers: ${request.approvers.join(', ')} (${request.minApprovals} needed).`,
    `The link expires at ${request.expiresAt}.`,
  ];
}

const yoursAlone = 'This link is yours alone: it decides as you and works once. Do not forward it.';

/**
 * The e-mail with the review link, in plain text and HTML.
 *
 * @example
 *   renderApprovalEmail(message).text.includes(message.link); // true
 */
export function renderApprovalEmail(
  message: ApprovalLinkMessage,
  options: { subjectPrefix?: string } = {},
): ApprovalEmail {
  const { request, person, link } = message;
  const subject = `${options.subjectPrefix ?? ''}Approval requested: ${request.model} v${request.version}`;
  const lines = summaryLines(message);
  const text = [`Hello ${person.name},`, '', ...lines, '', `Review and decide: ${link}`, '', yoursAlone].join(
    '\n',
  );
  const html = [
    `<p>Hello ${escapeHtml(person.name)},</p>`,
    `<p>${lines.map(escapeHtml).join('<br>')}</p>`,
    `<p><a href="${escapeHtml(link)}">Review and decide</a></p>`,
    `<p>${escapeHtml(yoursAlone)}</p>`,
  ].join('\n');
  return { subject, text, html };
}

/**
 * The Slack direct message with the review link (mrkdwn).
 *
 * @example
 *   renderApprovalDirectMessage(message); // 'Approval requested: *fraud v7* …<https://…|Review and decide>…'
 */
export function renderApprovalDirectMessage(message: ApprovalLinkMessage): string {
  const { request, link } = message;
  return [
    `Approval requested: *${escapeMrkdwn(request.model)} v${escapeMrkdwn(request.version)}*`,
    ...summaryLines(message).slice(1).map(escapeMrkdwn),
    `<${link}|Review and decide>`,
    yoursAlone,
  ].join('\n');
}
