/**
 * The policy schema bound to the catalog: rollout.endpoint.kind must be one of the catalog's
 * serving kinds (lib/wiring/servingKinds.ts), so a new kind is accepted in policies by its entry
 * there alone. Every reader that checks policies takes it from here: a compiled file read from the
 * sources (below; the functions' bundles read theirs sealed, functionPolicies.ts), the YAML
 * loaders (policyFiles.ts: CLI, compile script, local stack) and the tests.
 *
 * @example
 *   policySchema.safeParse({ model: 'fraud', rollout: { endpoint: { kind: 'k8s' }, steps: [100] } }).success; // false
 */

import { readCompiledPolicies as readCompiledPoliciesWith } from '../adapters/policy/compiledPolicies';
import { checkPolicy as checkPolicyWith } from '../adapters/policy/policyCheck';
import { policySchemaFor } from '../domain/policy';
import { servingKinds } from './servingKinds';

export const policySchema = policySchemaFor(servingKinds);

/**
 * One policy document checked against the catalog-bound schema (policyCheck.ts).
 *
 * @example
 *   checkPolicy({ model: 'a', rollout: { endpoint: { kind: 'k8s' }, steps: [100] } }).found?.[0]?.message;
 *   // 'expected one of sagemaker, databricks, none, got "k8s"'
 */
export const checkPolicy = (data: unknown) => checkPolicyWith(data, policySchema);

/**
 * A compiled policies file, every policy checked again against the catalog-bound schema.
 *
 * @example
 *   readCompiledPolicies('/var/task/.baton/build/policies.json').policies.length; // 2
 */
export const readCompiledPolicies = (path: string) => readCompiledPoliciesWith(path, policySchema);
