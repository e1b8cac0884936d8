/**
 * The approved artefact is pinned: what a rollout will deploy (image, model data, instances; the
 * entity a Databricks endpoint serves) is resolved at validation from the facts already read, and
 * stored with the verdict. Before each traffic step the version's tags are resolved again and
 * compared: what people approved is what is deployed, or the rollout stops (rolloutCheck.ts).
 *
 * This file is the logic every serving kind shares; what differs per kind (how a version
 * resolves, which fields a drift compares, how people see it) is that kind's `ArtefactSpec`
 * (servingPorts.ts), owned by its adapter (lib/adapters/serving/*Artefact.ts) and registered in
 * lib/wiring/catalog.ts. The core never imports one: gatherFacts hands it the spec of the policy's
 * kind (`facts.artefactSpec`), and the renderers get the rows through a lookup the wiring injects.
 * It stays in the pure core because pinning is a governance decision made without I/O.
 *
 * @example
 *   resolveArtefact(facts.artefactSpec, policy, { name: 'fraud', version: '7', source: 's3://m/7', tags: {} });
 *   // for a sagemaker policy: { kind: 'sagemaker', image: …, modelDataUrl: 's3://m/7', instanceType: 'ml.m5.large', … }
 */
import type { Artefact } from '../../events/artefact';
import type { Policy } from './policy';
import type { ArtefactField, ArtefactRows, ArtefactSpec, VersionFiles } from './servingPorts';

export type { Artefact, VersionFiles };

/**
 * Only the tags that are set, under their own names (what an artefact's `tags` records).
 *
 * @example
 *   pickTags({ 'sagemaker.image': 'a', git_sha: 'b' }, ['sagemaker.image', 'sagemaker.instance_count']);
 *   // { 'sagemaker.image': 'a' }
 */
export function pickTags(tags: Record<string, string>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.flatMap((k) => (tags[k] !== undefined ? [[k, tags[k]]] : [])));
}

/**
 * What the policy's rollout would deploy for this version, by the spec of the policy's serving
 * kind; for no rollout or a `none` endpoint, the version's files (Baton deploys nothing, but
 * people approved these).
 *
 * @example
 *   resolveArtefact(noneSpec, noRolloutPolicy, version); // { kind: 'none', source: 's3://m/7', tags: {} }
 */
export function resolveArtefact(spec: ArtefactSpec, policy: Policy, version: VersionFiles): Artefact {
  return spec.resolve(version, policy.rollout?.endpoint ?? {});
}

/** Each deployed field, named as people would set it: the tag when a tag decides it, else the policy's key. */
function fieldsOf(spec: ArtefactSpec, a: Artefact, other: Artefact): ArtefactField[] {
  const named = (tag: string, fallback: string) =>
    a.tags[tag] !== undefined || other.tags[tag] !== undefined ? tag : fallback;
  return spec.fields(a, named);
}

const shown = (value: string | number | undefined) => (value === undefined ? '(not set)' : String(value));

/**
 * Why the artefact resolved now is not the pinned one (null: it is the same), in the words people
 * see in the abort reason: `sagemaker.image changed after approval: was A, now B`. `spec` is the
 * rules of `now`'s kind (the policy's); a pinned artefact of another kind is a changed kind.
 *
 * @example
 *   artefactDrift(spec, pinned, resolveArtefact(spec, policy, versionNow)); // null, or the reason to stop
 */
export function artefactDrift(spec: ArtefactSpec, pinned: Artefact, now: Artefact): string | null {
  if (pinned.kind !== now.kind) {
    return `rollout.endpoint.kind changed after approval: was ${pinned.kind}, now ${now.kind}`;
  }
  const before = fieldsOf(spec, pinned, now);
  const after = fieldsOf(spec, now, pinned);
  const changes = before.flatMap(([name, was], i) =>
    was === after[i]![1]
      ? []
      : [`${name} changed after approval: was ${shown(was)}, now ${shown(after[i]![1])}`],
  );
  return changes.length > 0 ? changes.join('; ') : null;
}

/**
 * The artefact as label/value rows for people (Slack, text, the review page), by its kind's spec,
 * each value saying where it came from: `['Image', 'ecr/f:7 (tag sagemaker.image)']`.
 *
 * @example
 *   artefactRows(spec, artefact).map(([label, value]) => `${label}: ${value}`);
 */
export function artefactRows(spec: ArtefactSpec, a: Artefact): ArtefactRows {
  const from = (tag: string, fallback: string) => (a.tags[tag] !== undefined ? `tag ${tag}` : fallback);
  return spec.rows(a, from);
}

/**
 * Why the version may not take its next traffic step (null: it may): its artefact resolved from
 * the registry now (by `spec`, the rules of the policy's serving kind) differs from the pinned
 * one, or the version is gone. Records from before pinning (no `pinned`) and decisions for which
 * the worker read nothing are not compared. Without the rules nothing can vouch for the artefact,
 * so the step is refused (a composition that forgot them stops rollouts rather than skip the check).
 *
 * @example
 *   pinnedDrift(policy, state.artefact, facts.artefactNow, facts.artefactSpec); // 'sagemaker.image changed after approval: was A, now B'
 */
export function pinnedDrift(
  policy: Policy,
  pinned: Artefact | undefined,
  now: VersionFiles | null | undefined,
  spec: ArtefactSpec | undefined,
): string | null {
  if (pinned === undefined || now === undefined) return null;
  if (now === null) return 'the version was deleted from the registry after approval';
  if (spec === undefined)
    return 'the artefact rules of the serving kind were not read, so nothing vouches for it';
  return artefactDrift(spec, pinned, resolveArtefact(spec, policy, now));
}
