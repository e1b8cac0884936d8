/**
 * The copier's use case and its queue messages: a copy that runs out of its invocation's time
 * hands itself the rest at once; a finished or failed copy does not; a message that is no copy job
 * is refused naming what is wrong.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { copier } from '../../functions/copier';
import { parseCopyJob, SqsCopyRequests } from '../../lib/adapters/queue/sqsCopyRequests';
import type { CopyJobDeps } from '../../lib/app/copyJob';
import { runCopyJob } from '../../lib/app/copyJob';
import type { CopyJob, Environment } from '../../lib/domain/copyPorts';

const job: CopyJob = {
  effect: {
    type: 'copyVersion',
    version: '7',
    registry: 'prod',
    model: 'prod.models.fraud',
    approvedBy: ['ana'],
  },
  sourceModel: 'staging.models.fraud',
};

/** Two environments whose source lists `files` files, each read in `msPerFile` of the fake clock. */
function depsFor(
  files: number,
  budgetMs: number,
  msPerFile: number,
  destination: Record<string, unknown> = {},
) {
  let clock = 0;
  const requested: CopyJob[] = [];
  const written = new Map<string, Uint8Array>();
  const done = new Map<string, unknown>();
  const bytes = (path: string) => new TextEncoder().encode(`bytes of ${path}`);
  const environment = (name: string): Environment =>
    ({
      name,
      registry: {
        getModelVersion: async () => ({ version: '7', tags: {}, runId: 'r1' }),
        setModelVersionTag: async () => undefined,
      },
      copies: {
        sharesArtefacts: true,
        createsBeforeUpload: false,
        artefactRoot: async () => `${name}/root`,
        findVersionByTag: async () => null,
        prepare: async () => ({ root: `${name}/run/model`, runId: 'copy-run' }),
        finish: async () => '3',
        ...(name === 'prod' && destination),
      },
      artifacts: {
        listFiles: async (root: string) =>
          root.startsWith('staging')
            ? Array.from({ length: files }, (_, i) => ({ path: `f${i}`, size: 10 }))
            : [...written.keys()].map((path) => ({ path: path.slice(root.length + 1), size: 10 })),
        read: async (path: string) => {
          clock += msPerFile;
          return [written.get(path) ?? bytes(path.slice(path.lastIndexOf('/') + 1))];
        },
        write: async (path: string, body: AsyncIterable<Uint8Array>) => {
          for await (const chunk of body) written.set(path, chunk);
        },
      },
    }) as unknown as Environment;
  const environments = { staging: environment('staging'), prod: environment('prod') };
  const deps: CopyJobDeps = {
    environments: { budgetMs, get: async (name) => environments[(name ?? 'staging') as 'staging' | 'prod'] },
    copyProgress: {
      get: async (key) => (done.get(key) as never) ?? null,
      put: async (key, progress) => void done.set(key, progress),
    },
    ledger: { appendAudit: async () => undefined } as unknown as CopyJobDeps['ledger'],
    notifier: { publish: async () => undefined },
    requests: { request: async (next) => void requested.push(next) },
    now: () => new Date(clock),
  };
  return { deps, requested };
}

describe('a copy job', () => {
  it('that runs out of time records its progress and requests the rest, which the next run finishes', async () => {
    const { deps, requested } = depsFor(5, 25, 10);

    const first = await runCopyJob(job, deps);
    const second = await runCopyJob(requested[0]!, deps);

    expect(first).toMatchObject({ status: 'continued', reason: expect.stringMatching(/copied 3 of 5/) });
    expect(requested).toEqual([{ ...job, part: 1 }]);
    expect(second).toMatchObject({ status: 'copied', version: '3' });
  });

  it('that finishes requests nothing more', async () => {
    const { deps, requested } = depsFor(2, 1_000, 1);

    const outcome = await runCopyJob(job, deps);

    expect(outcome).toMatchObject({ status: 'copied' });
    expect(requested).toEqual([]);
  });
});

describe('a destination whose versions are created before their files (Unity Catalog)', () => {
  const linked = (status: string) => ({ name: 'prod.models.fraud', version: '2', status, tags: {} });
  const unityCatalog = (status: string, calls: string[]) => ({
    createsBeforeUpload: true,
    sharesArtefacts: false,
    findVersionByTag: async () => linked(status),
    prepare: async () => {
      calls.push('prepare');
      return { root: 'prod/new', version: '3' };
    },
    finish: async (_name: string, prepared: { version?: string }) => {
      calls.push(`finish v${prepared.version}`);
      return prepared.version;
    },
  });

  it('carries on with its own version still pending, and creates none', async () => {
    const calls: string[] = [];
    const { deps } = depsFor(2, 1_000, 1, unityCatalog('PENDING_REGISTRATION', calls));

    const outcome = await runCopyJob(job, deps);

    expect(outcome).toMatchObject({ status: 'copied', version: '2' });
    expect(calls).toEqual(['finish v2']);
  });

  it('prepares a new version when the linked one failed to register', async () => {
    const calls: string[] = [];
    const { deps } = depsFor(2, 1_000, 1, unityCatalog('FAILED_REGISTRATION', calls));

    const outcome = await runCopyJob(job, deps);

    expect(outcome).toMatchObject({ status: 'copied', version: '3' });
    expect(calls).toEqual(['prepare', 'finish v3']);
  });

  it('finds it READY once finished, and registers nothing more', async () => {
    const calls: string[] = [];
    const destination = { ...unityCatalog('PENDING_REGISTRATION', calls), status: 'PENDING_REGISTRATION' };
    destination.findVersionByTag = async () => linked(destination.status);
    const { deps } = depsFor(2, 1_000, 1, destination);
    await runCopyJob(job, deps);
    destination.status = 'READY';

    const again = await runCopyJob(job, deps);

    expect(again).toMatchObject({ status: 'found', version: '2' });
    expect(calls).toEqual(['finish v2']);
  });
});

describe('a copy queue message', () => {
  it('puts every part of one copy in one FIFO group, deduplicated per part', async () => {
    const sent: Record<string, unknown>[] = [];
    const queue = new SqsCopyRequests(
      { send: async (command: { input: Record<string, unknown> }) => void sent.push(command.input) } as never,
      'q',
    );

    await queue.request(job);
    await queue.request({ ...job, part: 1 });
    await queue.request({ ...job, effect: { ...job.effect, model: 'prod.models.other' } });

    const [first, rest, other] = sent;
    expect(first).toMatchObject({ MessageGroupId: 'staging.models.fraud/7>prod/prod.models.fraud' });
    expect(rest!.MessageGroupId).toBe(first!.MessageGroupId);
    expect([first!.MessageDeduplicationId, rest!.MessageDeduplicationId]).toEqual([
      'staging.models.fraud/7>prod/prod.models.fraud#0',
      'staging.models.fraud/7>prod/prod.models.fraud#1',
    ]);
    expect(other!.MessageGroupId).not.toBe(first!.MessageGroupId);
  });

  it('is read back as the job it was sent as', () => {
    expect(parseCopyJob(JSON.stringify(job))).toEqual(job);
  });

  it.each([
    ['{', /not JSON/],
    [JSON.stringify({ ...job, sourceModel: '' }), /sourceModel/],
    [JSON.stringify({ ...job, effect: { ...job.effect, type: 'setAlias' } }), /effect\.type/],
  ])('%s is refused naming what is wrong', (body, reason) => {
    expect(() => parseCopyJob(body)).toThrow(reason);
  });

  it('that is no job fails its record only (SQS delivers it again, in the end to the DLQ)', async () => {
    const { deps } = depsFor(1, 1_000, 1);
    const record = (messageId: string, body: string) => ({ messageId, body }) as never;

    const response = await copier(
      { Records: [record('bad', '{"effect":1}'), record('good', JSON.stringify(job))] },
      {} as Context,
      deps,
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
  });
});
