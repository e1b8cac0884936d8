/**
 * The approved artefact is pinned: what a rollout will deploy (image, model data, instances; the
 * entity a Databricks endpoint serves) is resolved at validation from the facts already read, and
 * stored with the verdict. Before each traffic step the version's tags are resolved again and
 * compared: what people approved is what is deployed, or the rollout stops (rolloutCheck.ts).
 *
 * The resolution rules are the serving adapters' documented conventions, kept here once, one
 * typed entry per serving kind (`rules`): a version's tags override the policy's rollout.endpoint
 * (sagemakerEndpoint.ts uses the same function for versions pinned before this existed). They stay
 * in the pure core because pinning is a governance decision made without I/O, and the notifier and
 * the approval page render the same rows without importing a serving adapter.
 *
 * @example
 *   resolveArtefact(policy, { name: 'fraud', version: '7', source: 's3://m/7', tags: { 'sagemaker.image': 'ecr/f:7' } });
 *   // { kind: 'sagemaker', image: 'ecr/f:7', modelDataUrl: 's3://m/7', instanceType: 'ml.m5.large', instanceCount: 1, tags: {…} }
 */
import type { Artefact, ServingKind } from '../../events/artefact';
import type { Policy } from './policy';
import type { ModelVersionInfo } from './registryFacts';

export type { Artefact };

/** The version tags the serving adapters read. */
export const artefactTags = {
  image: 'sagemaker.image',
  modelDataUrl: 'sagemaker.model_data_url',
  instanceType: 'sagemaker.instance_type',
  instanceCount: 'sagemaker.instance_count',
  workloadSize: 'databricks.workload_size',
} as const;

/** The model version as the registry shows it: enough to resolve its artefact. */
export type VersionFiles = Pick<ModelVersionInfo, 'name' | 'version' | 'source' | 'tags'>;

/** What the policy's rollout.endpoint says about deployment (a version's tags override it). */
interface EndpointSettings {
  image?: string;
  instanceType?: string;
  instanceCount?: number;
}

type SageMakerArtefact = Extract<Artefact, { kind: 'sagemaker' }>;

/** Only the tags that are set, under their own names. */
function tagsFrom(tags: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.flatMap((k) => (tags[k] !== undefined ? [[k, tags[k]]] : [])));
}

function wholeNumber(value: string): number | undefined {
  const n = Number(value);
  return value.trim() !== '' && Number.isInteger(n) && n >= 1 ? n : undefined;
}

/**
 * The SageMaker deployment of a version: tags first, then the policy, then defaults.
 *
 * @example
 *   resolveSageMaker({ 'sagemaker.instance_count': '2' }, 's3://m/7', { image: 'ecr/f:1' }).instanceCount; // 2
 */
export function resolveSageMaker(
  tags: Record<string, string>,
  source: string | undefined,
  settings: EndpointSettings = {},
): SageMakerArtefact {
  const count = tags[artefactTags.instanceCount];
  const image = tags[artefactTags.image] ?? settings.image;
  const modelDataUrl = tags[artefactTags.modelDataUrl] ?? (source?.startsWith('s3://') ? source : undefined);
  // A malformed count stays unresolved (and in `tags`): the adapter refuses to deploy it, as before.
  const instanceCount = count === undefined ? (settings.instanceCount ?? 1) : wholeNumber(count);
  return {
    kind: 'sagemaker',
    ...(image !== undefined && { image }),
    ...(modelDataUrl !== undefined && { modelDataUrl }),
    instanceType: tags[artefactTags.instanceType] ?? settings.instanceType ?? 'ml.m5.large',
    ...(instanceCount !== undefined && { instanceCount }),
    tags: tagsFrom(tags, [
      artefactTags.image,
      artefactTags.modelDataUrl,
      artefactTags.instanceType,
      artefactTags.instanceCount,
    ]),
  };
}

/** A field deployed, named as people would set it, and its value (for the drift reason). */
type Field = [name: string, value: string | number | undefined];

/**
 * What the pure core knows about one serving kind's pinned artefact: how a version resolves to it,
 * which of its fields a drift compares, and how people see it. Typed per kind below, so a kind
 * declared in events/artefact.ts without its rules does not compile.
 */
interface ArtefactRules<K extends ServingKind> {
  /** What a rollout of this kind deploys for the version; the version's tags override the policy. */
  resolve(version: VersionFiles, settings: EndpointSettings): Extract<Artefact, { kind: K }>;
  /** Each deployed field; `named` picks the tag's name when a tag decides it, else the policy's key. */
  fields(a: Extract<Artefact, { kind: K }>, named: (tag: string, fallback: string) => string): Field[];
  /** Label/value rows; `from` says where a value came from (`tag …`, else the fallback). */
  rows(
    a: Extract<Artefact, { kind: K }>,
    from: (tag: string, fallback: string) => string,
  ): Array<[string, string]>;
}

const rules: { [K in ServingKind]: ArtefactRules<K> } = {
  sagemaker: {
    resolve: (version, settings) => resolveSageMaker(version.tags, version.source, settings),
    fields: (a, named) => [
      [named(artefactTags.image, 'rollout.endpoint.image'), a.image],
      [named(artefactTags.modelDataUrl, 'the model data (the version source)'), a.modelDataUrl],
      [named(artefactTags.instanceType, 'rollout.endpoint.instanceType'), a.instanceType],
      [named(artefactTags.instanceCount, 'rollout.endpoint.instanceCount'), a.instanceCount],
    ],
    rows: (a, from) => {
      const image = a.image ?? 'none: set the tag sagemaker.image or rollout.endpoint.image';
      const count = a.instanceCount ?? `invalid count "${a.tags[artefactTags.instanceCount]}"`;
      const sized = [artefactTags.instanceType, artefactTags.instanceCount].some(
        (t) => a.tags[t] !== undefined,
      );
      return [
        ['Image', `${image} (${from(artefactTags.image, 'policy')})`],
        [
          'Model data',
          a.modelDataUrl === undefined
            ? 'none (no tag sagemaker.model_data_url, and the version source is not on s3://)'
            : `${a.modelDataUrl} (${from(artefactTags.modelDataUrl, 'version source')})`,
        ],
        ['Instances', `${count} × ${a.instanceType} (${sized ? 'tags' : 'policy'})`],
      ];
    },
  },
  databricks: {
    resolve: (version, settings) => ({
      kind: 'databricks',
      entityName: version.name,
      entityVersion: version.version,
      workloadSize: version.tags[artefactTags.workloadSize] ?? settings.instanceType ?? 'Small',
      tags: tagsFrom(version.tags, [artefactTags.workloadSize]),
    }),
    fields: (a, named) => [
      ['the served entity', `${a.entityName} v${a.entityVersion}`],
      [named(artefactTags.workloadSize, 'rollout.endpoint.instanceType'), a.workloadSize],
    ],
    rows: (a, from) => [
      ['Serves', `${a.entityName} v${a.entityVersion}`],
      ['Workload size', `${a.workloadSize} (${from(artefactTags.workloadSize, 'policy')})`],
    ],
  },
  none: {
    resolve: (version) => ({
      kind: 'none',
      ...(version.source !== undefined && { source: version.source }),
      tags: {},
    }),
    fields: (a) => [['the version source', a.source]],
    rows: (a) => [
      [
        'Model files',
        `${a.source ?? 'unknown'} (Baton deploys nothing: the champion alias is the deployment)`,
      ],
    ],
  },
};

/** The rules of an artefact's own kind (one cast: TypeScript cannot correlate `a.kind` with `a`). */
const rulesOf = (kind: ServingKind) => rules[kind] as unknown as ArtefactRules<ServingKind>;

/**
 * What the policy's rollout would deploy for this version; for no rollout or a `none` endpoint,
 * the version's files (Baton deploys nothing, but people approved these).
 *
 * @example
 *   resolveArtefact(noRolloutPolicy, version); // { kind: 'none', source: 's3://m/7', tags: {} }
 */
export function resolveArtefact(policy: Policy, version: VersionFiles): Artefact {
  const endpoint = policy.rollout?.endpoint;
  return rulesOf(endpoint?.kind ?? 'none').resolve(version, endpoint ?? {});
}

/** Each deployed field, named as people would set it: the tag when a tag decides it, else the policy's key. */
function fieldsOf(a: Artefact, other: Artefact): Field[] {
  const named = (tag: string, fallback: string) =>
    a.tags[tag] !== undefined || other.tags[tag] !== undefined ? tag : fallback;
  return rulesOf(a.kind).fields(a, named);
}

const shown = (value: string | number | undefined) => (value === undefined ? '(not set)' : String(value));

/**
 * Why the artefact resolved now is not the pinned one (null: it is the same), in the words people
 * see in the abort reason: `sagemaker.image changed after approval: was A, now B`.
 *
 * @example
 *   artefactDrift(pinned, resolveArtefact(policy, versionNow)); // null, or the reason to stop
 */
export function artefactDrift(pinned: Artefact, now: Artefact): string | null {
  if (pinned.kind !== now.kind) {
    return `rollout.endpoint.kind changed after approval: was ${pinned.kind}, now ${now.kind}`;
  }
  const before = fieldsOf(pinned, now);
  const after = fieldsOf(now, pinned);
  const changes = before.flatMap(([name, was], i) =>
    was === after[i]![1]
      ? []
      : [`${name} changed after approval: was ${shown(was)}, now ${shown(after[i]![1])}`],
  );
  return changes.length > 0 ? changes.join('; ') : null;
}

/**
 * The artefact as label/value rows for people (Slack, text, the review page), each value saying
 * where it came from: `['Image', 'ecr/f:7 (tag sagemaker.image)']`.
 *
 * @example
 *   artefactRows(artefact).map(([label, value]) => `${label}: ${value}`);
 */
export function artefactRows(a: Artefact): Array<[string, string]> {
  const from = (tag: string, fallback: string) => (a.tags[tag] !== undefined ? `tag ${tag}` : fallback);
  return rulesOf(a.kind).rows(a, from);
}

/**
 * Why the version may not take its next traffic step (null: it may): its artefact resolved from
 * the registry now differs from the pinned one, or the version is gone. Records from before
 * pinning (no `pinned`) and decisions for which the worker read nothing are not compared.
 *
 * @example
 *   pinnedDrift(policy, state.artefact, facts.artefactNow); // 'sagemaker.image changed after approval: was A, now B'
 */
export function pinnedDrift(
  policy: Policy,
  pinned: Artefact | undefined,
  now: VersionFiles | null | undefined,
): string | null {
  if (pinned === undefined || now === undefined) return null;
  if (now === null) return 'the version was deleted from the registry after approval';
  return artefactDrift(pinned, resolveArtefact(policy, now));
}
