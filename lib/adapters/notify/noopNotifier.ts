/**
 * The notifier wired in when Slack is not configured (neither a bot token nor a webhook URL in
 * SSM): it logs the plain-text rendering and delivers nothing, so nothing upstream has to ask
 * whether Slack exists.
 *
 * @example
 *   await new NoopNotifier().publish(notification); // one log line, no HTTP
 */
import type { Notification } from '../../domain/effects';
import type { Notifier } from '../../domain/ports';
import type { ArtefactRowsOf } from '../../domain/servingPorts';
import { logger } from '../../log';
import { renderText } from './notificationText';

export type LogLine = (message: string, detail: Record<string, unknown>) => void;

export class NoopNotifier implements Notifier {
  constructor(
    private readonly log: LogLine = (message, detail) => logger.info(message, detail),
    /** How an approval request's pinned artefact reads in the logged text (the wiring's `artefactRowsOf`). */
    private readonly artefactRows?: ArtefactRowsOf,
  ) {}

  async publish(n: Notification): Promise<void> {
    this.log('notification not delivered: Slack is not configured', {
      kind: n.kind,
      model: n.model,
      version: n.version,
      idempotencyKey: n.idempotencyKey,
      text: renderText(n, this.artefactRows),
    });
  }
}
