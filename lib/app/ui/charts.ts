/**
 * The dashboard's two charts as server-rendered SVG, drawn with d3-scale and d3-shape (kept
 * libraries, bundled into the function: nothing is fetched by the browser, no script runs).
 * Each chart has a title, a description and axis labels, and takes its colours from the page's
 * CSS variables, so it reads in light and dark. The pages put a table of the same numbers beside it.
 *
 * @example
 *   timelineSvg({ periods, marks, start, end, atHref: (iso) => `?at=${iso}` }); // '<svg …>'
 */
import { scaleLinear, scalePoint, scaleTime } from 'd3-scale';
import { curveStepAfter, line } from 'd3-shape';
import { escapeHtml as esc } from '../http/approvalPages';
import type { ChampionPeriod, TimelineMark } from './championPeriods';

const width = 760;
const height = 260;
const margin = { top: 16, right: 20, bottom: 44, left: 64 };
const plotRight = width - margin.right;
const plotBottom = height - margin.bottom;

function frame(id: string, title: string, desc: string, body: string): string {
  return `<svg id="${id}" class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">${esc(title)}</title><desc id="${id}-desc">${esc(desc)}</desc>${body}</svg>`;
}

function axisLabels(x: string, y: string): string {
  return `<text class="axis-label" x="${(margin.left + plotRight) / 2}" y="${height - 6}" text-anchor="middle">${esc(x)}</text>
<text class="axis-label" transform="translate(14 ${(margin.top + plotBottom) / 2}) rotate(-90)" text-anchor="middle">${esc(y)}</text>`;
}

/** Slices of the plot, each a link asking "who was champion then?": clicking the timeline needs no script. */
const clickSlices = 48;

/**
 * The champion timeline: a step chart, one `<line class="period">` per champion period.
 *
 * @example
 *   timelineSvg({ periods, marks, start: new Date(periods[0].from), end: now, atHref: (iso) => `?at=${iso}` });
 */
export function timelineSvg(input: {
  periods: ChampionPeriod[];
  marks: TimelineMark[];
  start: Date;
  end: Date;
  atHref: (iso: string) => string;
}): string {
  const { periods, marks, start, end } = input;
  const versions = [...new Set(periods.map((p) => p.version))].sort((a, b) => Number(a) - Number(b));
  const x = scaleTime().domain([start, end]).range([margin.left, plotRight]);
  const y = scalePoint<string>()
    .domain(versions)
    .range([plotBottom - 10, margin.top + 10])
    .padding(0.5);
  const xAt = (iso: string | null) => x(iso === null ? end : new Date(iso));
  const xTicks = x.ticks(6).map(
    (t) => `<g class="tick"><line x1="${x(t)}" x2="${x(t)}" y1="${margin.top}" y2="${plotBottom}"/>
<text x="${x(t)}" y="${plotBottom + 16}" text-anchor="middle">${esc(x.tickFormat(6)(t))}</text></g>`,
  );
  const yTicks = versions.map(
    (v) => `<text class="tick" x="${margin.left - 8}" y="${y(v)! + 4}" text-anchor="end">v${esc(v)}</text>`,
  );
  // The step path joins the periods; each period is also its own segment, with its own label.
  const points = periods.flatMap((p) => [
    [xAt(p.from), y(p.version)!],
    [xAt(p.to), y(p.version)!],
  ]) as Array<[number, number]>;
  const path = line().curve(curveStepAfter)(points) ?? '';
  const segments = periods.map(
    (p) =>
      `<line class="period" data-version="${esc(p.version)}" x1="${xAt(p.from)}" x2="${xAt(p.to)}" y1="${y(p.version)}" y2="${y(p.version)}"><title>v${esc(p.version)} champion from ${esc(p.from)} to ${esc(p.to ?? 'now')} (${esc(p.kind)} by ${esc(p.by)})</title></line>`,
  );
  const markLines = marks.map(
    (m) =>
      `<g class="mark ${m.kind}"><line x1="${xAt(m.at)}" x2="${xAt(m.at)}" y1="${margin.top}" y2="${plotBottom}"/><text x="${xAt(m.at) + 3}" y="${margin.top + 10}">${m.kind === 'rollback' ? '↩' : '✋'}</text><title>${esc(m.at)}: ${esc(m.label)}</title></g>`,
  );
  const span = end.getTime() - start.getTime();
  const sliceWidth = (plotRight - margin.left) / clickSlices;
  const slices = Array.from({ length: clickSlices }, (_, i) => {
    const at = new Date(start.getTime() + (span * (i + 0.5)) / clickSlices).toISOString();
    return `<a href="${esc(input.atHref(at))}" aria-label="champion at ${at}"><rect class="slice" x="${margin.left + i * sliceWidth}" y="${margin.top}" width="${sliceWidth}" height="${plotBottom - margin.top}"/></a>`;
  });
  return frame(
    'timeline',
    'Champion over time',
    `Which version held the champion alias, ${periods.length} periods; ↩ marks a rollback, ✋ a hand move. Click the chart for the champion at that time.`,
    `${xTicks.join('')}${yTicks.join('')}<path class="step" d="${path}"/>${segments.join('')}${markLines.join('')}${slices.join('')}${axisLabels('time (UTC)', 'champion version')}`,
  );
}

export interface WeightStep {
  label: string;
  weights: Record<string, number>;
}

/**
 * Traffic weights per rollout step: one stepped line per version, 0–100 %.
 *
 * @example
 *   weightsSvg([{ label: 'step 1', weights: { '1': 90, '2': 10 } }, { label: 'step 2', weights: { '1': 50, '2': 50 } }]);
 */
export function weightsSvg(steps: WeightStep[]): string {
  const versions = [...new Set(steps.flatMap((s) => Object.keys(s.weights)))].sort(
    (a, b) => Number(a) - Number(b),
  );
  const x = scaleLinear()
    .domain([0, Math.max(1, steps.length)])
    .range([margin.left, plotRight]);
  const y = scaleLinear().domain([0, 100]).range([plotBottom, margin.top]);
  const yTicks = y.ticks(5).map(
    (t) => `<g class="tick"><line x1="${margin.left}" x2="${plotRight}" y1="${y(t)}" y2="${y(t)}"/>
<text x="${margin.left - 8}" y="${y(t) + 4}" text-anchor="end">${t}%</text></g>`,
  );
  const xTicks = steps.map(
    (s, i) =>
      `<text class="tick" x="${(x(i) + x(i + 1)) / 2}" y="${plotBottom + 16}" text-anchor="middle">${esc(s.label)}</text>`,
  );
  const series = versions.map((v, n) => {
    const points = steps.flatMap((s, i) => [
      [x(i), y(s.weights[v] ?? 0)],
      [x(i + 1), y(s.weights[v] ?? 0)],
    ]) as Array<[number, number]>;
    const d = line().curve(curveStepAfter)(points) ?? '';
    return `<path class="series s${n % 4}" data-version="${esc(v)}" d="${d}"><title>v${esc(v)}: ${steps.map((s) => `${s.weights[v] ?? 0}%`).join(' → ')}</title></path>
<text class="legend s${n % 4}" x="${plotRight - 80}" y="${margin.top + 14 + n * 16}">— v${esc(v)}</text>`;
  });
  return frame(
    'weights',
    'Traffic weights per rollout step',
    `Share of the endpoint's traffic each version received at each of ${steps.length} steps.`,
    `${yTicks.join('')}${xTicks.join('')}${series.join('')}${axisLabels('rollout step', 'traffic share (%)')}`,
  );
}
