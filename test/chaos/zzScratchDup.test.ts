import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Policy, policySchema } from '../../lib/domain/policy';
import { processEvent } from '../../lib/promotion/processEvent';
import { mlflowApi } from '../../local/mlflowApi';
import type { LocalStack } from '../../local/stack';
import { type InProcessWorker, inProcessWorker } from '../support/inProcessWorker';
import { testStack, uniqueName } from '../support/localStack';

let stack: LocalStack;
let worker: InProcessWorker;
const model = uniqueName('roll-dup');
const endpoint = uniqueName('dup-prod');
const policy: Policy = policySchema.parse({
  model,
  checks: { runStatus: ['FINISHED'] },
  approval: { required: false },
  rollout: { endpoint: { kind: 'sagemaker', name: endpoint, image: 'x/y:1', executionRoleArn: 'arn:aws:iam::000000000000:role/r' }, steps: [10, 50, 100], bakeTime: '30m', deadline: '1d' },
});
beforeAll(async () => {
  stack = await testStack('ap-northeast-1', { consumers: false, webhook: false });
  worker = inProcessWorker(stack, [policy]);
});
afterAll(async () => { await stack?.stop(); });

it('dup', async () => {
  const api = mlflowApi(stack.mlflowUrl);
  await api.ensureRegisteredModel(model);
  const runId = await api.createRun('x', { val_auc: 0.93 });
  const v1 = (await api.createModelVersion(model, runId)).version;
  await processEvent(worker.created(model, v1), worker.deps);
  await processEvent(await worker.dueNow(model, v1), worker.deps);
  const vs: string[] = [];
  for (let i = 0; i < 6; i++) vs.push((await api.createModelVersion(model, runId)).version);
  const all = [...vs, ...vs, ...vs];
  const r = await Promise.allSettled(all.map((v) => processEvent(worker.created(model, v), worker.deps)));
  console.log(r.map((x, i) => `${all[i]}:${x.status === 'fulfilled' ? x.value.phase : (x.reason as Error).name + ' ' + (x.reason as Error).message.slice(0,120)}`).join('\n'));
  console.log(await worker.liveWeights(endpoint), await worker.deps.ledger.leaseHolder(model));
  const r2 = await Promise.allSettled(vs.map((v) => processEvent(worker.created(model, v), worker.deps)));
  console.log(r2.map((x, i) => `${vs[i]}:${x.status === 'fulfilled' ? x.value.phase : (x.reason as Error).name}`).join(' '));
  const holder = (await worker.deps.ledger.leaseHolder(model))!;
  console.log('states', (await Promise.all(vs.map((v) => worker.deps.store.getVersion(model, v)))).map((s) => `${s?.version}:${s?.phase}:${s?.rollout?.step}:${s?.rollout?.waitingFor}`).join(' '));
  // finish holder
  for (let i = 0; i < 3; i++) console.log('holder due', (await processEvent(await worker.dueNow(model, holder), worker.deps)).phase, await worker.liveWeights(endpoint));
  // all waiting race
  const waiting = vs.filter((v) => v !== holder);
  const evs = await Promise.all(waiting.map((v) => worker.dueNow(model, v)));
  const r3 = await Promise.allSettled([...evs, ...evs].map((e) => processEvent(e, worker.deps)));
  console.log(r3.map((x, i) => `${[...evs, ...evs][i]!.version}:${x.status === 'fulfilled' ? x.value.phase : (x.reason as Error).name + ' ' + (x.reason as Error).message.slice(0,100)}`).join('\n'));
  console.log(await worker.liveWeights(endpoint), await worker.deps.ledger.leaseHolder(model));
  console.log('states', (await Promise.all(vs.map((v) => worker.deps.store.getVersion(model, v)))).map((s) => `${s?.version}:${s?.phase}:${s?.rollout?.step}:${s?.rollout?.waitingFor}:${s?.rollout?.champion}`).join(' '));
  const audit = await worker.deps.store.listAudit(model);
  console.log(audit.filter(a=>a.kind.startsWith('rollout.')).map(a=>`${a.version}:${a.kind}`).join(' '));
});
