/**
 * Slack Block Kit and plain-text renderings of every notification. Pure: the same notification
 * always gives the same message. Approval requests carry Approve/Reject buttons; rollout
 * messages carry Pause or Resume, Abort and Promote now (events/slackInteraction parses them). Every piece is cut to Block Kit's limits, so a long model name
 * or a policy with many checks still posts. Signed approval links are never rendered: they act on
 * behalf of one approver, and a channel message or a log line would hand them to everyone.
 *
 * @example
 *   const { text, blocks } = renderSlackMessage(notification);
 *   logger.info(renderText(notification));
 */
import * as z from 'zod/mini';
import type { Notification, NotificationKind } from '../../events/notification';
import { type RolloutButtonValue, SlackAction } from '../../events/slackInteraction';
import { formatNumber } from '../domain/checks';
import { artefactFields, artefactHeading, artefactLines } from './artefactRendering';

/** Block Kit's limits, in characters (we count UTF-16 units, which is never fewer). */
export const slackLimits = {
  blocks: 50,
  sectionText: 3000,
  field: 2000,
  fields: 10,
  header: 150,
  contextText: 2000,
  buttonValue: 2000,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  /** The top-level fallback: Slack shows it in notifications, where short is better. */
  fallbackText: 3000,
} as const;

export const approvalActionIds = { approve: 'baton.approve', reject: 'baton.reject' } as const;

/** The rollout buttons' action ids; their value is `{"model","version"}` like Approve/Reject's. */
export const rolloutActionIds = {
  pause: SlackAction.Pause,
  resume: SlackAction.Resume,
  abort: SlackAction.Abort,
  promote: SlackAction.Promote,
} as const;

/** The `value` of the Approve and Reject buttons; the interactions handler parses it with this. */
export const approvalButtonValueSchema = z.object({
  model: z.string(),
  version: z.string(),
  decision: z.enum(['approve', 'reject']),
});
export type ApprovalButtonValue = z.infer<typeof approvalButtonValueSchema>;

type PlainText = { type: 'plain_text'; text: string; emoji?: boolean };
type Mrkdwn = { type: 'mrkdwn'; text: string };
export interface Button {
  type: 'button';
  action_id: string;
  text: PlainText;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: PlainText; text: Mrkdwn; confirm: PlainText; deny: PlainText };
}
export type Block =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text: Mrkdwn }
  | { type: 'section'; fields: Mrkdwn[] }
  | { type: 'context'; elements: Mrkdwn[] }
  | { type: 'actions'; block_id: string; elements: Button[] };
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Escapes the three characters Slack's mrkdwn reserves. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Cuts `text` to at most `max` characters, ending in `…`, never inside an escape (`&lt;`) or a
 * surrogate pair.
 *
 * @example
 *   clip('a'.repeat(200), 150).length; // 150
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const amp = text.lastIndexOf('&', end - 1);
  if (amp !== -1 && amp > end - 5 && !text.slice(amp, end).includes(';')) end = amp;
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end -= 1;
  return `${text.slice(0, end)}…`;
}

const plain = (text: string, max: number): PlainText => ({
  type: 'plain_text',
  text: clip(text, max),
  emoji: true,
});
const header = (text: string): Block => ({ type: 'header', text: plain(text, slackLimits.header) });
const section = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, slackLimits.sectionText) },
});
const fields = (pairs: Array<[string, string]>): Block => ({
  type: 'section',
  fields: pairs.slice(0, slackLimits.fields).map(([label, value]) => ({
    type: 'mrkdwn',
    text: clip(`*${label}*\n${value}`, slackLimits.field),
  })),
});
const context = (parts: string[]): Block[] =>
  parts.length
    ? [
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: clip(parts.join('  ·  '), slackLimits.contextText) }],
        },
      ]
    : [];

/** Slack user ids become mentions; anything else (an email, a name) stays as written. */
const person = (who: string) => (/^[UW][A-Z0-9]{2,}$/.test(who) ? `<@${who}>` : escapeMrkdwn(who));
const people = (who: string[]) => (who.length ? who.map(person).join(', ') : '—');
/** A block quote: each line of `text` set off with `>`. */
const quote = (text: string) => `>${escapeMrkdwn(text).replace(/\n/g, '\n>')}`;

type Weights = Record<string, number>;
/** Traffic per version, the version in question first: `v7 10 % · v6 90 %`. */
function trafficOf(weights: Weights, first: string): string {
  const versions = Object.keys(weights).sort(
    (a, b) => Number(b === first) - Number(a === first) || weights[b]! - weights[a]! || b.localeCompare(a),
  );
  return versions.length
    ? versions.map((v) => `v${v} ${formatNumber(weights[v]!)} %`).join(' · ')
    : 'no traffic';
}

/** A link when the URL is http(s) and short enough to survive the field limit; else the label. */
function link(url: string | undefined, label: string): string {
  if (!url || !/^https?:\/\//i.test(url) || url.length > 1000) return escapeMrkdwn(label);
  const safe = url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  return `<${safe}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

/** Slack shows the deadline in each reader's time zone; the ISO text is the fallback. */
function date(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isNaN(seconds)
    ? escapeMrkdwn(iso)
    : `<!date^${seconds}^{date_short_pretty} {time}|${escapeMrkdwn(iso)}>`;
}

/** Rows padded into columns (the last column runs free), each cell cut to 40 characters. */
function columns(rows: string[][]): string[] {
  const cells = rows.map((row) => row.map((cell, i) => (i < row.length - 1 ? clip(cell, 40) : cell)));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  return cells.map((row) =>
    row
      .map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell))
      .join('  ')
      .trimEnd(),
  );
}

/** Preformatted sections of at most `maxSections`, each within the section limit; the rest is counted. */
function preformatted(lines: string[], maxSections = 4): Block[] {
  const budget = slackLimits.sectionText - 8 - 40; // the fences, and room for "… N more"
  const escaped = lines.map((line) => clip(escapeMrkdwn(line.replace(/`/g, "'")), 1000));
  const chunks: string[][] = [[]];
  let size = 0;
  let shown = 0;
  for (const line of escaped) {
    if (size + line.length + 1 > budget) {
      if (chunks.length === maxSections) break;
      chunks.push([]);
      size = 0;
    }
    chunks.at(-1)!.push(line);
    size += line.length + 1;
    shown += 1;
  }
  if (shown < escaped.length) chunks.at(-1)!.push(`… and ${escaped.length - shown} more`);
  return chunks.map((chunk) => section(`\`\`\`\n${chunk.join('\n')}\n\`\`\``));
}

type Check = { id: string; passed: boolean; reason: string };
const outcome = (c: Check) => (c.passed ? 'PASS' : 'FAIL');
const checkRows = (checks: Check[]) =>
  columns([['check', 'outcome', 'reason'], ...checks.map((c) => [c.id, outcome(c), c.reason])]);
const checkBlocks = (checks: Check[]) =>
  checks.length ? preformatted(checkRows(checks)) : [section('_No checks ran._')];
const tally = (checks: Check[]) =>
  `${checks.filter((c) => c.passed).length} of ${checks.length} checks passed`;

type Metrics = Record<string, number>;
function metricRows(metrics: Metrics, champion: { version: string; metrics: Metrics } | null): string[] {
  if (!champion)
    return columns([
      ['metric', 'candidate'],
      ...Object.keys(metrics)
        .sort()
        .map((m) => [m, formatNumber(metrics[m]!)]),
    ]);
  const names = [...new Set([...Object.keys(metrics), ...Object.keys(champion.metrics)])].sort();
  const cell = (v: number | undefined) => (v === undefined ? '—' : formatNumber(v));
  const delta = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? '' : `${a - b >= 0 ? '+' : ''}${formatNumber(a - b)}`;
  return columns([
    ['metric', 'candidate', `champion v${champion.version}`, 'Δ'],
    ...names.map((m) => [
      m,
      cell(metrics[m]),
      cell(champion.metrics[m]),
      delta(metrics[m], champion.metrics[m]),
    ]),
  ]);
}

const about = (n: Notification): Block[] =>
  context([
    ...(n.registeredBy ? [`registered by ${person(n.registeredBy)}`] : []),
    ...(n.runId || n.runLink ? [`run ${link(n.runLink, n.runId ?? 'in the registry')}`] : []),
  ]);

/** A Slack confirm dialog: the click only counts once the reader confirms. */
const confirmation = (title: string, text: string, yes: string): NonNullable<Button['confirm']> => ({
  title: plain(title, slackLimits.confirmTitle),
  text: { type: 'mrkdwn', text: clip(text, slackLimits.confirmText) },
  confirm: plain(yes, 30),
  deny: plain('Cancel', 30),
});

function approvalActions(n: Of<'approval.requested'>): Block[] {
  const value = (decision: ApprovalButtonValue['decision']) =>
    JSON.stringify({ model: n.model, version: n.version, decision } satisfies ApprovalButtonValue);
  // A cut value would name another model; without buttons the approvers still have their links.
  if (value('approve').length > slackLimits.buttonValue)
    return context(['The model name is too long for buttons: use your approval link.']);
  const name = `${n.model} v${n.version}`;
  return [
    {
      type: 'actions',
      block_id: clip(`baton.approval:v${n.version}:${n.model}`, slackLimits.blockId),
      elements: [
        {
          type: 'button',
          action_id: approvalActionIds.approve,
          text: plain('Approve', 75),
          style: 'primary',
          value: value('approve'),
          confirm: confirmation(
            `Approve ${name}?`,
            `${escapeMrkdwn(name)} will be promoted as its policy says.`,
            'Approve',
          ),
        },
        {
          type: 'button',
          action_id: approvalActionIds.reject,
          text: plain('Reject', 75),
          style: 'danger',
          value: value('reject'),
        },
      ],
    },
  ];
}

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

type Of<K extends NotificationKind> = Extract<Notification, { kind: K }>;
type Renderers<T> = { [K in NotificationKind]: (n: Of<K>) => T };

const summaries: Renderers<string> = {
  'validation.passed': (n) => `${n.model} v${n.version} passed validation (${tally(n.checks)})`,
  'validation.failed': (n) =>
    `${n.model} v${n.version} failed validation: ${n.checks
      .filter((c) => !c.passed)
      .map((c) => c.reason)
      .join('; ')}`,
  'approval.requested': (n) =>
    `${n.model} v${n.version} awaits approval (${tally(n.checks)}; expires ${n.expiresAt})`,
  'approval.rejected': (n) =>
    `${n.model} v${n.version} was rejected by ${n.by}${n.reason ? `: ${n.reason}` : ''}`,
  'approval.expired': (n) => `The approval request for ${n.model} v${n.version} expired; it was not promoted`,
  'promotion.completed': (n) =>
    `${n.model} v${n.version} is the new champion${n.previousChampion ? ` (v${n.previousChampion} → archive)` : ''}`,
  'champion.changed': (n) =>
    `${n.model} v${n.version} took the champion alias outside Baton (moved by ${n.movedBy ?? 'unknown (outside Baton)'}; Baton's champion: ${n.expected ? `v${n.expected}` : 'none'})${n.reverted ? '; Baton put it back' : ''}`,
  'rollout.started': (n) =>
    `${n.model} v${n.version} rollout started on ${n.endpoint}: ${trafficOf(n.weights, n.version)}`,
  'rollout.paused': (n) =>
    `${n.model} v${n.version} rollout paused on ${n.endpoint} by ${n.by}: ${n.reason} (${trafficOf(n.weights, n.version)})`,
  'rollout.aborted': (n) =>
    `${n.model} v${n.version} rollout aborted on ${n.endpoint} by ${n.by}: ${n.reason}${n.champion ? ` (v${n.champion} takes all traffic)` : ''}`,
  'rollback.completed': (n) =>
    `${n.model} v${n.version} rolled back to v${n.to} by ${n.by}${n.alert ? ` after alert ${n.alert.name}` : ''}: ${n.reason}`,
  'rollback.impossible': (n) =>
    `${n.model} v${n.version} cannot be rolled back: no safe version to roll back to — act now (${n.reason})`,
  'alert.received': (n) =>
    `${n.model} v${n.version} alert ${n.alert.name} (${n.alert.source})${n.alert.reason ? `: ${n.alert.reason}` : ''}; Baton will ${alertActions[n.action] ?? n.action}`,
  'retrain.requested': (n) => `${n.model} v${n.version} retrain requested from ${n.target}: ${n.reason}`,
};

const blockRenderers: Renderers<Block[]> = {
  'validation.passed': (n) => [
    header(`✅ ${n.model} v${n.version} passed validation`),
    section(`*${tally(n.checks)}*`),
    ...checkBlocks(n.checks),
    ...about(n),
  ],
  'validation.failed': (n) => [
    header(`❌ ${n.model} v${n.version} failed validation`),
    section(`*${tally(n.checks)}*`),
    ...checkBlocks(n.checks),
    ...about(n),
  ],
  'approval.requested': (n) => [
    header(`🗳️ Approval requested: ${n.model} v${n.version}`),
    fields([
      ['Model', escapeMrkdwn(n.model)],
      ['Version', escapeMrkdwn(n.version)],
      ['Registered by', n.registeredBy ? person(n.registeredBy) : 'unknown'],
      ['Run', n.runId || n.runLink ? link(n.runLink, n.runId ?? 'open in the registry') : '—'],
      [`Approvers (${n.minApprovals} needed)`, people(n.approvers)],
      ['Expires', date(n.expiresAt)],
    ]),
    section(`*Checks: ${tally(n.checks)}*`),
    ...checkBlocks(n.checks),
    section(
      n.champion
        ? `*Metrics against the champion (v${escapeMrkdwn(n.champion.version)})*`
        : '*Metrics* (no champion yet)',
    ),
    ...preformatted(metricRows(n.metrics, n.champion), 2),
    ...(n.artefact
      ? [section(`*${artefactHeading}*`), fields(artefactFields(n.artefact, escapeMrkdwn))]
      : []),
    ...approvalActions(n),
  ],
  'approval.rejected': (n) => [
    header(`🚫 ${n.model} v${n.version} was rejected`),
    section(`*Rejected by* ${person(n.by)}${n.reason ? `\n${quote(n.reason)}` : ''}`),
    ...about(n),
  ],
  'approval.expired': (n) => [
    header(`⌛ Approval for ${n.model} v${n.version} expired`),
    section(
      `No decision arrived in time: *${escapeMrkdwn(n.model)}* v${escapeMrkdwn(n.version)} was not promoted.`,
    ),
    ...about(n),
  ],
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
  'champion.changed': (n) => championChanged(n),
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
    ...about(n),
    ...rolloutActions(n),
  ],
  'rollout.aborted': (n) => [
    header(`🛑 Rollout aborted: ${n.model} v${n.version}`),
    section(`*Aborted by* ${person(n.by)}\n${quote(n.reason)}`),
    fields([
      ['Endpoint', escapeMrkdwn(n.endpoint)],
      ['Traffic', n.champion ? `v${escapeMrkdwn(n.champion)} 100 % (champion)` : 'no champion to return to'],
    ]),
    section(`*${escapeMrkdwn(n.model)}* v${escapeMrkdwn(n.version)} was not promoted.`),
    ...about(n),
  ],
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
};

/** What an alert makes Baton do, as the rest of a sentence starting "Baton will". */
const alertActions: Record<string, string> = {
  rollback: 'roll back the champion',
  abort: 'abort the rollout',
  retrain: 'request a retrain',
  notify: 'only notify',
};
const alertName = (alert: { name: string; source: string }) =>
  `${escapeMrkdwn(alert.name)} (${escapeMrkdwn(alert.source)})`;

const championChanged = (n: Of<'champion.changed'>): Block[] => [
  header(`⚠️ ${n.model}: champion changed outside Baton`),
  fields([
    ['Now on', n.version === '-' ? 'no version (alias deleted)' : `v${escapeMrkdwn(n.version)}`],
    ['Baton’s champion', n.expected ? `v${escapeMrkdwn(n.expected)}` : 'none'],
    ['Moved by', escapeMrkdwn(n.movedBy ?? 'unknown (outside Baton)')],
    ['Action', n.reverted ? 'reverted by Baton (policy: revert)' : 'recorded (policy: record)'],
  ]),
];

const detailRenderers: Renderers<string[]> = {
  'validation.passed': (n) => checkRows(n.checks),
  'validation.failed': (n) => checkRows(n.checks),
  'approval.requested': (n) => [
    `Approvers (${n.minApprovals} needed): ${n.approvers.join(', ') || '—'}`,
    ...checkRows(n.checks),
    n.champion ? `Metrics against the champion v${n.champion.version}:` : 'Metrics (no champion yet):',
    ...metricRows(n.metrics, n.champion),
    ...artefactLines(n.artefact),
  ],
  'approval.rejected': (n) => (n.reason ? [`Reason: ${n.reason}`] : []),
  'approval.expired': () => [],
  'promotion.completed': (n) => [
    `Approved by: ${n.approvedBy.join(', ') || 'no approval required'}`,
    `Previous champion: ${n.previousChampion ? `v${n.previousChampion} → archive` : 'none'}`,
  ],
  'champion.changed': (n) => [
    `Baton's champion: ${n.expected ? `v${n.expected}` : 'none'}; reverted: ${n.reverted ? 'yes' : 'no'}`,
  ],
  'rollout.started': (n) => [
    `Endpoint: ${n.endpoint}`,
    `Traffic: ${trafficOf(n.weights, n.version)}`,
    `Steps: ${n.steps.map((step) => `${formatNumber(step)} %`).join(' → ')}`,
    `Champion: ${n.champion ? `v${n.champion}` : 'none'}`,
    `Approved by: ${n.approvedBy.join(', ') || 'no approval required'}`,
  ],
  'rollout.paused': (n) => [`Endpoint: ${n.endpoint}`, `Traffic (held): ${trafficOf(n.weights, n.version)}`],
  'rollout.aborted': (n) => [
    `Endpoint: ${n.endpoint}`,
    `Traffic: ${n.champion ? `v${n.champion} 100 % (champion)` : 'no champion to return to'}`,
  ],
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
};

function dispatch<T>(renderers: Renderers<T>, n: Notification): T {
  return (renderers[n.kind] as (n: Notification) => T)(n);
}

/**
 * The Block Kit message for a notification, with its top-level `text` fallback.
 *
 * @example
 *   renderSlackMessage(n).blocks.at(-1); // for approval.requested: the Approve/Reject actions
 */
export function renderSlackMessage(n: Notification): SlackMessage {
  const blocks = dispatch(blockRenderers, n);
  return {
    text: clip(escapeMrkdwn(dispatch(summaries, n)), slackLimits.fallbackText),
    // The renderers stay far below 50 blocks; the cut keeps the actions (last) if one ever does not.
    blocks:
      blocks.length > slackLimits.blocks
        ? [...blocks.slice(0, slackLimits.blocks - 1), blocks.at(-1)!]
        : blocks,
  };
}

/**
 * A plain-text rendering for logs and other subscribers: a summary line, then the details.
 *
 * @example
 *   renderText(n); // 'fraud v7 failed validation: val_auc 0.7 < 0.8\ncheck  outcome  reason\n…'
 */
export function renderText(n: Notification): string {
  const context = [
    ...(n.registeredBy ? [`Registered by: ${n.registeredBy}`] : []),
    ...(n.runLink || n.runId ? [`Run: ${n.runLink ?? n.runId}`] : []),
  ];
  return [dispatch(summaries, n), ...dispatch(detailRenderers, n), ...context].join('\n');
}
