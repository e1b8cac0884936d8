/**
 * How a stopped copy between environments reads: the destination's bytes differ from the
 * source's, so nothing was promoted there (lib/app/copyVersion.ts). People must look.
 *
 * @example
 *   copyRendering.summary['copy.failed'](n); // 'staging.models.fraud v7 was not copied to prod/prod.models.fraud: …'
 */
import type { KindRendering } from './renderingParts';
import { about } from './renderingParts';
import { escapeMrkdwn, header, quote, section } from './slackBlockKit';

export const copyRendering: KindRendering<'copy.failed'> = {
  summary: {
    'copy.failed': (n) => `${n.model} v${n.version} was not copied to ${n.destination}: ${n.reason}`,
  },
  blocks: {
    'copy.failed': (n) => [
      header(`⛔ Copy stopped: ${n.model} v${n.version}`),
      section(
        `*${escapeMrkdwn(n.model)}* v${escapeMrkdwn(n.version)} was not promoted to *${escapeMrkdwn(n.destination)}*: the artefacts there differ from the source's.`,
      ),
      section(`*Why*\n${quote(n.reason)}`),
      ...about(n),
    ],
  },
  details: {
    'copy.failed': (n) => [
      `Destination: ${n.destination}`,
      `Nothing was created there; the source is tagged baton.copy_status.`,
    ],
  },
};
