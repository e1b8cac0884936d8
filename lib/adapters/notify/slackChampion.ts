/**
 * How a change of champion reads: a promotion Baton completed, and a champion alias someone moved
 * outside Baton (recorded or reverted, as the policy says).
 *
 * @example
 *   championRendering.summary['promotion.completed'](n); // 'fraud v7 is the new champion (v6 → archive)'
 */
import type { KindRendering } from './renderingParts';
import { about } from './renderingParts';
import { escapeMrkdwn, fields, header, people } from './slackBlockKit';

export const championRendering: KindRendering<'promotion.completed' | 'champion.changed'> = {
  summary: {
    'promotion.completed': (n) =>
      `${n.model} v${n.version} is the new champion${n.previousChampion ? ` (v${n.previousChampion} → archive)` : ''}`,
    'champion.changed': (n) =>
      `${n.model} v${n.version} took the champion alias outside Baton (moved by ${n.movedBy ?? 'unknown (outside Baton)'}; Baton's champion: ${n.expected ? `v${n.expected}` : 'none'})${n.reverted ? '; Baton put it back' : ''}`,
  },
  blocks: {
    'promotion.completed': (n) => [
      header(`🏆 ${n.model} v${n.version} is the new champion`),
      fields([
        ['Approved by', n.approvedBy.length ? people(n.approvedBy) : 'no approval required'],
        [
          'Previous champion',
          n.previousChampion ? `v${escapeMrkdwn(n.previousChampion)} → archive` : 'none: this is the first',
        ],
      ]),
      ...about(n),
    ],
    'champion.changed': (n) => [
      header(`⚠️ ${n.model}: champion changed outside Baton`),
      fields([
        ['Now on', n.version === '-' ? 'no version (alias deleted)' : `v${escapeMrkdwn(n.version)}`],
        ['Baton’s champion', n.expected ? `v${escapeMrkdwn(n.expected)}` : 'none'],
        ['Moved by', escapeMrkdwn(n.movedBy ?? 'unknown (outside Baton)')],
        ['Action', n.reverted ? 'reverted by Baton (policy: revert)' : 'recorded (policy: record)'],
      ]),
    ],
  },
  details: {
    'promotion.completed': (n) => [
      `Approved by: ${n.approvedBy.join(', ') || 'no approval required'}`,
      `Previous champion: ${n.previousChampion ? `v${n.previousChampion} → archive` : 'none'}`,
    ],
    'champion.changed': (n) => [
      `Baton's champion: ${n.expected ? `v${n.expected}` : 'none'}; reverted: ${n.reverted ? 'yes' : 'no'}`,
    ],
  },
};
