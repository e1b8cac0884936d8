/**
 * The e-mails the emulator's SES accepted, read back through moto's documented model API
 * (`GET /moto-api/data.json`, which lists every tracked model instance, `ses.Message` among
 * them): tests see what an approver's inbox would receive. moto stores a message's HTML body
 * when it has one, else the text.
 *
 * @example
 *   const mail = await sesOutbox(stack.motoUrl).find((m) => m.to.includes('bob@example.com'));
 *   mail.body; // '<p>Hello bob@example.com,</p>…'
 */
import { eventually } from './registryWaits';

export interface SentEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  body: string;
}

interface MotoMessage {
  id: string;
  source: string;
  subject: string;
  body: string;
  destinations: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
}

export function sesOutbox(motoUrl: string) {
  const all = async (): Promise<SentEmail[]> => {
    const response = await fetch(`${motoUrl}/moto-api/data.json`);
    if (!response.ok) throw new Error(`moto's data.json answered ${response.status}`);
    const data = (await response.json()) as { ses?: { Message?: MotoMessage[] } };
    return (data.ses?.Message ?? []).map((m) => ({
      id: m.id,
      from: m.source,
      to: [
        ...(m.destinations.ToAddresses ?? []),
        ...(m.destinations.CcAddresses ?? []),
        ...(m.destinations.BccAddresses ?? []),
      ],
      subject: m.subject,
      body: m.body,
    }));
  };
  return {
    all,
    /** The first e-mail that matches, waiting for it to arrive. */
    find: (match: (mail: SentEmail) => boolean, timeoutMs = 30_000) =>
      eventually(async () => (await all()).find(match), timeoutMs, 'a matching e-mail in SES'),
  };
}

/** The review link in an approval e-mail's body. */
export function approvalLinkIn(body: string): string | undefined {
  return (
    /href="([^"]+\/approvals\/[^"]+)"/.exec(body)?.[1] ??
    /(https?:\/\/\S+\/approvals\/[\w.-]+)/.exec(body)?.[1]
  );
}
