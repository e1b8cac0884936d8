/**
 * A Slack button click (Approve, Reject, Pause, Resume, Abort, Promote now), from raw form body to
 * queued event: read the signing secret(s), judge the request (X-Slack-Signature over the raw
 * bytes before parsing), enqueue the decision or control event, and word the acknowledgement the
 * clicker sees while the worker acts. Typed HttpErrors propagate for the handler to map.
 *
 * @example
 *   await acceptSlackInteraction({ headers, body }, deps); // { acknowledgement: 'Approval of fraud v7 received…' }
 */
import type { SecretStore } from '../domain/ports';
import type { EventQueue } from '../domain/queuePorts';
import { logger } from '../log';
import { acknowledgement, judgeSlackRequest } from './ingress/slackIngress';

export interface SlackInteractionsDeps {
  queue: EventQueue;
  secrets: SecretStore;
  signingSecretName: string;
  now: () => Date;
}

export async function acceptSlackInteraction(
  request: { headers: Record<string, string | undefined>; body: Buffer },
  deps: SlackInteractionsDeps,
): Promise<{ ignored: string | null } | { acknowledgement: string }> {
  const secrets = await deps.secrets.values(deps.signingSecretName);
  const verdict = judgeSlackRequest(request, { secrets, now: deps.now() });
  if (verdict.error) throw verdict.error;
  if (!verdict.event) return { ignored: verdict.ignored };
  const queued = verdict.event;
  await deps.queue.enqueue(queued);
  const { type, model, version, actor } = queued;
  const what = queued.type === 'decision' ? { decision: queued.decision } : { action: queued.action };
  logger.info(`queued Slack ${type}`, { model, version, ...what, actor });
  return { acknowledgement: acknowledgement(queued) };
}
