/**
 * How a validation verdict reads: the tally of checks and the checks table, in Slack and in plain
 * text. One file per family of notification kinds, so a new kind touches one renderer.
 *
 * @example
 *   validationRendering.summary['validation.passed'](n); // 'fraud v7 passed validation (3 of 3 checks passed)'
 */
import type { KindRendering } from './renderingParts';
import { about, checkBlocks, checkRows, tally } from './renderingParts';
import { header, section } from './slackBlockKit';

export const validationRendering: KindRendering<'validation.passed' | 'validation.failed'> = {
  summary: {
    'validation.passed': (n) => `${n.model} v${n.version} passed validation (${tally(n.checks)})`,
    'validation.failed': (n) =>
      `${n.model} v${n.version} failed validation: ${n.checks
        .filter((c) => !c.passed)
        .map((c) => c.reason)
        .join('; ')}`,
  },
  blocks: {
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
  },
  details: {
    'validation.passed': (n) => checkRows(n.checks),
    'validation.failed': (n) => checkRows(n.checks),
  },
};
