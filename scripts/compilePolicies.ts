/**
 * Compiles the policy directory (default policies/), its policies and its people files, into
 * .baton/build/policies.json, the file the worker's and the tick's zips carry instead of YAML
 * (lib/adapters/policy/compiledPolicies.ts). Every
 * `serverless package` and `serverless deploy` runs it first (scripts/esbuildPlugins.cjs); an
 * invalid policy set prints its problems, as `baton policy validate` does, and exits 2.
 *
 *   npx tsx scripts/compilePolicies.ts [DIR]
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { compilePolicySet } from '../lib/adapters/policy/compiledPolicies';
import { formatProblem } from '../lib/adapters/policy/errors';
import { compiledPoliciesPath } from '../lib/adapters/policy/sealedPolicies';
import { loadPolicySet } from '../lib/wiring/policyFiles';

const root = resolve(import.meta.dirname, '..');
const dir = process.argv[2] ?? 'policies';
const set = loadPolicySet(resolve(root, dir));
if (set.problems.length > 0) {
  for (const problem of set.problems) process.stderr.write(`${formatProblem(problem, dir)}\n`);
  process.stderr.write(`policies not compiled: run \`baton policy validate ${dir}\`\n`);
  process.exit(2);
}
const out = join(root, compiledPoliciesPath);
mkdirSync(dirname(out), { recursive: true });
// Written beside and renamed into place: concurrent packages never read half a file.
const fresh = `${out}.${process.pid}`;
writeFileSync(fresh, compilePolicySet(set));
renameSync(fresh, out);
const people = Object.keys(set.people.people).length;
process.stdout.write(
  `${set.policies.length} policies and ${people} people from ${dir} compiled into ${compiledPoliciesPath}\n`,
);
