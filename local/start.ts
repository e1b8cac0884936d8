/**
 * `npm start`: the whole of Baton on one machine — a real MLflow server, the AWS emulator, the
 * resources serverless.yml declares, Baton's functions behind a local runtime — then a demo
 * that registers model versions and follows them through Baton: validation, a canary rollout
 * and an alert-driven rollback.
 *
 *   npm start                 run until Ctrl-C
 *   npm start -- --once       run the demo, stop everything, exit 0 on success (for scripts/CI)
 *   npm start -- --no-demo    start without registering the demo model
 *
 * Every setting is an environment variable; see the README's "Configuration".
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type LocalStackInfo, localStackInfoFile } from '../cli/context';
import { resolvePoliciesDir } from '../lib/adapters/policy/policySet';
import { signInUrl } from '../lib/app/ui/identity';
import { loadPolicySet } from '../lib/wiring/policyFiles';
import { runDemo } from './demo';
import { environmentSettings, runEnvironmentsDemo, startProductionRegistry } from './environmentsDemo';
import { watchPolicies } from './policyWatch';
import { type LocalStack, startLocalStack } from './stack';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const args = new Set(process.argv.slice(2));
const once = args.has('--once') || process.env.BATON_ONCE === '1';
const demo = !args.has('--no-demo') && process.env.BATON_DEMO !== '0';

const port = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${name} must be a port number`);
  return value;
};

/**
 * The tick (rate(1 minute) in serverless.yml) finds bakes that are over and sweeps the registry;
 * locally it runs every few seconds so the demo's 3 s canary steps advance in seconds.
 */
const tickSeconds = 2;

async function main(): Promise<number> {
  const started = Date.now();
  const policiesDir = resolvePoliciesDir({ POLICIES_DIR: process.env.POLICIES_DIR });
  // Production's tracking server, for the demo of verified copies (local/environmentsDemo.ts).
  const production = await startProductionRegistry(
    resolve(process.env.BATON_STATE_DIR ?? '.baton'),
    port('BATON_PROD_MLFLOW_PORT', 5081),
  );
  const stack: LocalStack = await startLocalStack({
    stateDir: resolve(process.env.BATON_STATE_DIR ?? '.baton'),
    stage: process.env.BATON_LOCAL_STAGE ?? 'local',
    region: process.env.BATON_LOCAL_REGION ?? 'us-east-1',
    ports: {
      mlflow: port('BATON_MLFLOW_PORT', 5080),
      moto: port('BATON_MOTO_PORT', 5090),
      ingress: port('BATON_INGRESS_PORT', 3080),
    },
    scheduleSeconds: tickSeconds,
    // One directory for the functions, the watcher and `baton status`, so they agree on every policy.
    env: { POLICIES_DIR: policiesDir, ...environmentSettings(production.url) },
  });
  const policyWatch = watchPolicies({
    dir: policiesDir,
    restart: () => stack.runtime.restartFunctions(),
    log: (line) => console.log(line),
  });
  // Tells `npx baton status …` where this stack lives.
  const info: LocalStackInfo = {
    mlflowUrl: stack.mlflowUrl,
    motoUrl: stack.motoUrl,
    region: stack.aws.region,
    tableName: stack.resources.resolveString({ Ref: 'BatonTable' }),
    promotionQueueUrl: stack.resources.resolveString({ Ref: 'PromotionQueue' }),
    policiesDir,
  };
  writeFileSync(localStackInfoFile(), JSON.stringify(info, null, 2));
  // The dashboard's local sign-in: a chosen person, else the first one the people file names.
  const uiPerson =
    process.env.BATON_UI_PERSON ?? Object.keys(loadPolicySet(policiesDir).people.people)[0] ?? 'operator';
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping Baton…');
    policyWatch.close();
    await stack.stop();
    await production.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  console.log(`
Baton is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)
  MLflow UI        ${stack.mlflowUrl}  (staging; production: ${production.url})
  Ingress          ${stack.ingressUrl}  (POST /webhooks/mlflow, /webhooks/databricks, …)
  Dashboard        ${stack.ingressUrl}/ui  (sign in as ${uiPerson}: ${signInUrl(stack.ingressUrl, stack.secrets.approvalLinkKey, uiPerson, new Date())}
                   valid 15 min; BATON_UI_PERSON=<name in people.yaml> signs in someone else)
  AWS emulator     ${stack.motoUrl}  (region ${stack.aws.region}; moto dashboard: ${stack.motoUrl}/moto-api/)
  Promotion queue  ${stack.resources.resolveString({ Ref: 'PromotionQueue' })}
  Tick             every ${tickSeconds} s locally; every minute in AWS
  Policies         ${policiesDir}  (watched: a changed file reloads the functions)
  Logs             ${resolve(process.env.BATON_STATE_DIR ?? '.baton', 'logs')}
`);
  let ok = true;
  if (demo) ok = (await runDemo(stack)) && (await runEnvironmentsDemo(stack, production.url));
  if (once) await stop(ok ? 0 : 1);
  else console.log('Press Ctrl-C to stop.');
  return 0;
}

main().catch((error: Error) => {
  console.error(`Baton failed to start: ${error.message}`);
  process.exit(1);
});
