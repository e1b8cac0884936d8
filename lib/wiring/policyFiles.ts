/**
 * The YAML policy directory read with the catalog-bound policy schema (policySchema.ts): what the
 * CLI, the compile script, the local stack's watcher and the tests load. Apart from
 * policySchema.ts so that the functions' bundles, which read compiled policies, never import the
 * YAML parser.
 *
 * @example
 *   loadPolicySet('policies').problems; // [{ file: 'fraud.yaml', path: 'rollout.endpoint.kind', … }]
 */
import {
  loadPolicySetFromEnv as loadPolicySetFromEnvWith,
  loadPolicySet as loadPolicySetWith,
} from '../adapters/policy/policySet';
import { policySchema } from './policySchema';

/**
 * Every policy file in `dir`, validated (policySet.ts).
 *
 * @example
 *   loadPolicySet('policies').policies.length; // 3
 */
export const loadPolicySet = (dir: string) => loadPolicySetWith(dir, policySchema);

/**
 * The YAML policy directory named by the environment, read once per process (policySet.ts).
 *
 * @example
 *   loadPolicySetFromEnv({ POLICIES_DIR: 'test/fixtures/policies' }).policies;
 */
export const loadPolicySetFromEnv = (env: Record<string, string | undefined> = process.env) =>
  loadPolicySetFromEnvWith(policySchema, env);
