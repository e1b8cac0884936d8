/**
 * Block Kit's building blocks, cut to Slack's limits: every renderer of a notification kind
 * (slackValidation.ts, slackApproval.ts, slackRollout.ts, slackChampion.ts, slackAlerts.ts) builds
 * its message from these, so no renderer has to know a limit or an escape rule.
 *
 * @example
 *   const blocks = [header('✅ fraud v7 passed validation'), section(`*${escapeMrkdwn(text)}*`)];
 */
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

export type PlainText = { type: 'plain_text'; text: string; emoji?: boolean };
export type Mrkdwn = { type: 'mrkdwn'; text: string };
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

/**
 * Escapes the three characters Slack's mrkdwn reserves.
 *
 * @example
 *   escapeMrkdwn('a<b'); // 'a&lt;b'
 */
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

/**
 * @example
 *   plain('Approve', 75); // { type: 'plain_text', text: 'Approve', emoji: true }
 */
export const plain = (text: string, max: number): PlainText => ({
  type: 'plain_text',
  text: clip(text, max),
  emoji: true,
});
/**
 * @example
 *   header('✅ fraud v7 passed validation');
 */
export const header = (text: string): Block => ({ type: 'header', text: plain(text, slackLimits.header) });
/**
 * @example
 *   section('*3 of 3 checks passed*');
 */
export const section = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, slackLimits.sectionText) },
});
/**
 * @example
 *   fields([['Model', 'fraud'], ['Version', '7']]);
 */
export const fields = (pairs: Array<[string, string]>): Block => ({
  type: 'section',
  fields: pairs.slice(0, slackLimits.fields).map(([label, value]) => ({
    type: 'mrkdwn',
    text: clip(`*${label}*\n${value}`, slackLimits.field),
  })),
});
/**
 * @example
 *   context(['registered by <@U024BE7LH>']); // [] when given no parts
 */
export const context = (parts: string[]): Block[] =>
  parts.length
    ? [
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: clip(parts.join('  ·  '), slackLimits.contextText) }],
        },
      ]
    : [];

/**
 * Slack user ids become mentions; anything else (an email, a name) stays as written.
 *
 * @example
 *   person('U024BE7LH'); // '<@U024BE7LH>'
 */
export const person = (who: string) => (/^[UW][A-Z0-9]{2,}$/.test(who) ? `<@${who}>` : escapeMrkdwn(who));
/**
 * @example
 *   people([]); // '—'
 */
export const people = (who: string[]) => (who.length ? who.map(person).join(', ') : '—');
/**
 * A block quote: each line of `text` set off with `>`.
 *
 * @example
 *   quote('too slow\nand wrong'); // '>too slow\n>and wrong'
 */
export const quote = (text: string) => `>${escapeMrkdwn(text).replace(/\n/g, '\n>')}`;

/**
 * A link when the URL is http(s) and short enough to survive the field limit; else the label.
 *
 * @example
 *   link('https://mlflow/#/runs/1', 'run-1'); // '<https://mlflow/#/runs/1|run-1>'
 */
export function link(url: string | undefined, label: string): string {
  if (!url || !/^https?:\/\//i.test(url) || url.length > 1000) return escapeMrkdwn(label);
  const safe = url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  return `<${safe}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

/**
 * Slack shows the deadline in each reader's time zone; the ISO text is the fallback.
 *
 * @example
 *   date('2026-11-22T12:00:00Z'); // '<!date^1795435200^{date_short_pretty} {time}|2026-11-22T12:00:00Z>'
 */
export function date(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isNaN(seconds)
    ? escapeMrkdwn(iso)
    : `<!date^${seconds}^{date_short_pretty} {time}|${escapeMrkdwn(iso)}>`;
}

/**
 * Rows padded into columns (the last column runs free), each cell cut to 40 characters.
 *
 * @example
 *   columns([['check', 'outcome'], ['val_auc', 'PASS']]); // ['check    outcome', 'val_auc  PASS']
 */
export function columns(rows: string[][]): string[] {
  const cells = rows.map((row) => row.map((cell, i) => (i < row.length - 1 ? clip(cell, 40) : cell)));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  return cells.map((row) =>
    row
      .map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * Preformatted sections of at most `maxSections`, each within the section limit; the rest is counted.
 *
 * @example
 *   preformatted(checkRows(checks)); // one ``` section per 3000 characters, at most 4
 */
export function preformatted(lines: string[], maxSections = 4): Block[] {
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

/**
 * A Slack confirm dialog: the click only counts once the reader confirms.
 *
 * @example
 *   confirmation('Abort?', 'Traffic goes back to the champion.', 'Abort');
 */
export const confirmation = (title: string, text: string, yes: string): NonNullable<Button['confirm']> => ({
  title: plain(title, slackLimits.confirmTitle),
  text: { type: 'mrkdwn', text: clip(text, slackLimits.confirmText) },
  confirm: plain(yes, 30),
  deny: plain('Cancel', 30),
});
