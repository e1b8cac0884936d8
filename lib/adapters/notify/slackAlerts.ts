/**
 * How monitoring's verdicts read: an alert received and what Baton will do about it, a rollback
 * done or impossible (then the message is the page: nobody else is steering), a retrain requested.
 *
 * @example
 *   alertRendering.summary['rollback.completed'](n); // 'fraud v7 rolled back to v6 by baton after alert fraud-5xx: …'
 */
import type { KindRendering } from './renderingParts';
import { about } from './renderingParts';
import { escapeMrkdwn, fields, header, person, quote, section } from './slackBlockKit';

/** What an alert makes Baton do, as the rest of a sentence starting "Baton will". */
const alertActions: Record<string, string> = {
  rollback: 'roll back the champion',
  abort: 'abort the rollout',
  retrain: 'request a retrain',
  notify: 'only notify',
};
const alertName = (alert: { name: string; source: string }) =>
  `${escapeMrkdwn(alert.name)} (${escapeMrkdwn(alert.source)})`;

export const alertRendering: KindRendering<
  'rollback.completed' | 'rollback.impossible' | 'alert.received' | 'retrain.requested'
> = {
  summary: {
    'rollback.completed': (n) =>
      `${n.model} v${n.version} rolled back to v${n.to} by ${n.by}${n.alert ? ` after alert ${n.alert.name}` : ''}: ${n.reason}`,
    'rollback.impossible': (n) =>
      `${n.model} v${n.version} cannot be rolled back: no safe version to roll back to — act now (${n.reason})`,
    'alert.received': (n) =>
      `${n.model} v${n.version} alert ${n.alert.name} (${n.alert.source})${n.alert.reason ? `: ${n.alert.reason}` : ''}; Baton will ${alertActions[n.action] ?? n.action}`,
    'retrain.requested': (n) => `${n.model} v${n.version} retrain requested from ${n.target}: ${n.reason}`,
  },
  blocks: {
    'rollback.completed': (n) => [
      header(`↩️ Rolled back: ${n.model} v${n.version} → v${n.to}`),
      fields([
        ['From', `v${escapeMrkdwn(n.version)} (demoted)`],
        ['To', `v${escapeMrkdwn(n.to)} (serves again)`],
        ['Rolled back by', person(n.by)],
        ['Alert', n.alert ? alertName(n.alert) : 'none'],
      ]),
      section(`*Reason*\n${quote(n.reason)}`),
      ...(n.alert?.reason ? [section(`*Alert evidence*\n${quote(n.alert.reason)}`)] : []),
      ...about(n),
    ],
    'rollback.impossible': (n) => [
      header(`🚨 Act now: ${n.model} v${n.version} cannot be rolled back`),
      // Nobody is steering: this message is the page.
      section(
        `<!here> *No safe version to roll back to — act now.*\n*${escapeMrkdwn(n.model)}* v${escapeMrkdwn(n.version)} is still the champion and Baton cannot roll it back on its own.`,
      ),
      section(`*Why*\n${quote(n.reason)}`),
      ...about(n),
    ],
    'alert.received': (n) => [
      header(`🔔 Alert on ${n.model} v${n.version}: ${n.alert.name}`),
      fields([
        ['Alert', alertName(n.alert)],
        ['Baton will', escapeMrkdwn(alertActions[n.action] ?? n.action)],
      ]),
      ...(n.alert.reason ? [section(`*Evidence*\n${quote(n.alert.reason)}`)] : []),
      ...about(n),
    ],
    'retrain.requested': (n) => [
      header(`🔁 Retrain requested: ${n.model} v${n.version}`),
      fields([['Sent to', escapeMrkdwn(n.target)]]),
      section(`*Why*\n${quote(n.reason)}`),
      ...about(n),
    ],
  },
  details: {
    'rollback.completed': (n) => [
      `From v${n.version} to v${n.to}`,
      ...(n.alert
        ? [`Alert: ${n.alert.name} (${n.alert.source})${n.alert.reason ? `: ${n.alert.reason}` : ''}`]
        : []),
    ],
    'rollback.impossible': (n) => [
      `v${n.version} is still the champion; Baton cannot roll it back on its own.`,
    ],
    'alert.received': (n) => [`Action: ${n.action}`],
    'retrain.requested': () => [],
  },
};
