/**
 * How a canary rollout reads while it runs: started, paused, aborted, with the traffic per
 * version. Started and paused messages carry the buttons that steer the rollout (Pause or Resume,
 * Abort, Promote now); events/slackInteraction parses their clicks. A pause or abort decided by
 * the canary analysis carries its verdict, shown as a small table (analysisTable.ts).
 *
 * @example
 *   rolloutRendering.summary['rollout.started'](n); // 'fraud v7 rollout started on fraud-prod: v7 10 % · v6 90 %'
 */
import { SlackAction } from '../../../events/slackActions';
import type { RolloutButtonValue } from '../../../events/slackInteraction';
import { formatNumber } from '../../domain/checks';
import { analysisLine, analysisLines, analysisRows } from './analysisTable';
import type { KindRendering, Of } from './renderingParts';
import { about, trafficOf } from './renderingParts';
import {
  type Block,
  type Button,
  clip,
  confirmation,
  context,
  escapeMrkdwn,
  fields,
  header,
  people,
  person,
  plain,
  preformatted,
  quote,
  section,
  slackLimits,
} from './slackBlockKit';

/** The rollout buttons' action ids; their value is `{"model","version"}` like Approve/Reject's. */
export const rolloutActionIds = {
  pause: SlackAction.Pause,
  resume: SlackAction.Resume,
  abort: SlackAction.Abort,
  promote: SlackAction.Promote,
} as const;

/**
 * The buttons of a running rollout: Pause (or Resume, once paused), Abort and Promote now, the
 * last two behind a confirm dialog because neither can be undone from Slack.
 */
function rolloutActions(n: Of<'rollout.started'> | Of<'rollout.paused'>): Block[] {
  const value = JSON.stringify({ model: n.model, version: n.version } satisfies RolloutButtonValue);
  // A cut value would name another model.
  if (value.length > slackLimits.buttonValue)
    return context(['The model name is too long for buttons: steer the rollout from the baton CLI.']);
  const name = `${n.model} v${n.version}`;
  const on = escapeMrkdwn(n.endpoint);
  const button = (
    action: keyof typeof rolloutActionIds,
    label: string,
    more: Partial<Button> = {},
  ): Button => ({
    type: 'button',
    action_id: rolloutActionIds[action],
    text: plain(label, 75),
    value,
    ...more,
  });
  return [
    {
      type: 'actions',
      block_id: clip(`baton.rollout:v${n.version}:${n.model}`, slackLimits.blockId),
      elements: [
        n.kind === 'rollout.started'
          ? button('pause', 'Pause')
          : button('resume', 'Resume', { style: 'primary' }),
        button('abort', 'Abort', {
          style: 'danger',
          confirm: confirmation(
            `Abort the rollout of ${name}?`,
            `All traffic on ${on} goes back to the champion; ${escapeMrkdwn(name)} is not promoted.`,
            'Abort',
          ),
        }),
        button('promote', 'Promote now', {
          confirm: confirmation(
            `Promote ${name} now?`,
            `${escapeMrkdwn(name)} skips the remaining steps, takes all traffic on ${on} and becomes the champion.`,
            'Promote',
          ),
        }),
      ],
    },
  ];
}

/** The canary analysis's verdict: its line, then the rule table in a preformatted block. */
function analysisBlocks(verdict: Of<'rollout.paused'>['analysis']): Block[] {
  if (!verdict) return [];
  const rows = analysisRows(verdict);
  return [section(`*${escapeMrkdwn(analysisLine(verdict))}*`), ...(rows.length ? preformatted(rows, 1) : [])];
}

export const rolloutRendering: KindRendering<'rollout.started' | 'rollout.paused' | 'rollout.aborted'> = {
  summary: {
    'rollout.started': (n) =>
      `${n.model} v${n.version} rollout started on ${n.endpoint}: ${trafficOf(n.weights, n.version)}`,
    'rollout.paused': (n) =>
      `${n.model} v${n.version} rollout paused on ${n.endpoint} by ${n.by}: ${n.reason} (${trafficOf(n.weights, n.version)})`,
    'rollout.aborted': (n) =>
      `${n.model} v${n.version} rollout aborted on ${n.endpoint} by ${n.by}: ${n.reason}${n.champion ? ` (v${n.champion} takes all traffic)` : ''}`,
  },
  blocks: {
    'rollout.started': (n) => [
      header(`🚦 Rollout started: ${n.model} v${n.version}`),
      fields([
        ['Endpoint', escapeMrkdwn(n.endpoint)],
        ['Traffic', escapeMrkdwn(trafficOf(n.weights, n.version))],
        ['Steps', n.steps.map((step) => `${formatNumber(step)} %`).join(' → ')],
        ['Champion', n.champion ? `v${escapeMrkdwn(n.champion)}` : 'none: this is the first'],
        ['Approved by', n.approvedBy.length ? people(n.approvedBy) : 'no approval required'],
      ]),
      ...about(n),
      ...rolloutActions(n),
    ],
    'rollout.paused': (n) => [
      header(`⏸️ Rollout paused: ${n.model} v${n.version}`),
      section(`*Paused by* ${person(n.by)}\n${quote(n.reason)}`),
      fields([
        ['Endpoint', escapeMrkdwn(n.endpoint)],
        ['Traffic (held)', escapeMrkdwn(trafficOf(n.weights, n.version))],
      ]),
      ...analysisBlocks(n.analysis),
      ...about(n),
      ...rolloutActions(n),
    ],
    'rollout.aborted': (n) => [
      header(`🛑 Rollout aborted: ${n.model} v${n.version}`),
      section(`*Aborted by* ${person(n.by)}\n${quote(n.reason)}`),
      fields([
        ['Endpoint', escapeMrkdwn(n.endpoint)],
        [
          'Traffic',
          n.champion ? `v${escapeMrkdwn(n.champion)} 100 % (champion)` : 'no champion to return to',
        ],
      ]),
      section(`*${escapeMrkdwn(n.model)}* v${escapeMrkdwn(n.version)} was not promoted.`),
      ...analysisBlocks(n.analysis),
      ...about(n),
    ],
  },
  details: {
    'rollout.started': (n) => [
      `Endpoint: ${n.endpoint}`,
      `Traffic: ${trafficOf(n.weights, n.version)}`,
      `Steps: ${n.steps.map((step) => `${formatNumber(step)} %`).join(' → ')}`,
      `Champion: ${n.champion ? `v${n.champion}` : 'none'}`,
      `Approved by: ${n.approvedBy.join(', ') || 'no approval required'}`,
    ],
    'rollout.paused': (n) => [
      `Endpoint: ${n.endpoint}`,
      `Traffic (held): ${trafficOf(n.weights, n.version)}`,
      ...analysisLines(n.analysis),
    ],
    'rollout.aborted': (n) => [
      `Endpoint: ${n.endpoint}`,
      `Traffic: ${n.champion ? `v${n.champion} 100 % (champion)` : 'no champion to return to'}`,
      ...analysisLines(n.analysis),
    ],
  },
};
