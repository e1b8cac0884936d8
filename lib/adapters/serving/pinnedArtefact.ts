/**
 * The pinned artefact a serving adapter is asked to deploy, checked against the adapter's own
 * artefact schema: the stored artefact is generic (events/artefact.ts keeps any kind's fields),
 * so each adapter validates its own kind's fields here, when it deploys, rather than trust them.
 *
 * @example
 *   const pinned = pinnedAs(sageMakerArtefact, servedModel); // undefined: not pinned (or another kind)
 */
import type { Artefact } from '../../../events/artefact';
import type { ArtefactSpec, ServedModel } from '../../domain/servingPorts';
import { ServingConfigurationError } from './errors';

/**
 * The version's pinned artefact as `spec`'s kind; undefined when it has none of that kind (a record
 * from before pinning: the adapter resolves its tags of now). A malformed one is refused.
 *
 * @example
 *   pinnedAs(databricksArtefact, m)?.workloadSize; // 'Small'
 */
export function pinnedAs<A extends Artefact>(spec: ArtefactSpec<A>, m: ServedModel): A | undefined {
  if (m.artefact?.kind !== spec.kind) return undefined;
  const parsed = spec.schema.safeParse(m.artefact);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(artefact)'))].join(', ');
  throw new ServingConfigurationError(
    `${m.model} v${m.version}'s pinned ${spec.kind} artefact is malformed (${fields}); it cannot be deployed`,
  );
}
