/**
 * Server-side copies when both sides are S3: the real staging MLflow server keeps a source run's
 * artefacts in the emulator's S3 (an experiment whose artifact location is s3://…), and the
 * destination environment puts its copies' runs under another S3 prefix (`artifactLocation`).
 * The copier's own role reads and writes both, so S3 copies each file itself (CopyObject; a
 * multipart copy by byte ranges above the single-copy limit) and no byte is uploaded through Baton;
 * the digest is still computed on both sides. Every S3 call of the copier is recorded.
 */
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { S3Artifacts } from '../../lib/adapters/registry/s3Artifacts';
import { type CopyDeps, copyVersion } from '../../lib/app/copyVersion';
import type { CopyProgress } from '../../lib/domain/copyPorts';
import type { AuditEntry } from '../../lib/domain/state';
import { environmentsFromEnv } from '../../lib/wiring/environments';
import { mlflowApi } from '../../local/mlflowApi';
import { MemoryNotifier } from '../support/fakes';
import { uniqueName } from '../support/localStack';
import { tagsOf } from '../support/registryWaits';

const bucket = uniqueName('baton-artifacts');
const stagingUrl = () => inject('mlflowUrl');
const MiB = 1024 * 1024;
const calls: { command: string; key: string }[] = [];

const client = (record: boolean) => {
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: inject('motoUrl'),
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  if (record)
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string; Prefix?: string };
        calls.push({ command: context.commandName ?? '?', key: input.Key ?? input.Prefix ?? '' });
        return next(args);
      },
      { step: 'initialize' },
    );
  return s3;
};
const admin = () => client(false);

async function stored(key: string): Promise<Buffer> {
  const object = await admin().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

const files = {
  MLmodel: Buffer.from('flavors:\n  python_function: {}\n'),
  'model.pkl': randomBytes(MiB + 3),
  'conf/settings.json': Buffer.from('{"threshold":0.42}'),
};

/** A staging version whose run's artefacts are in S3 (its experiment's artifact location). */
async function stagingVersionInS3(model: string) {
  const api = mlflowApi(stagingUrl());
  const { experiment_id } = await api.call<{ experiment_id: string }>('POST', 'experiments/create', {
    name: uniqueName('s3-exp'),
    artifact_location: `s3://${bucket}/staging`,
  });
  const { run } = await api.call<{ run: { info: { run_id: string; artifact_uri: string } } }>(
    'POST',
    'runs/create',
    { experiment_id, start_time: Date.now() },
  );
  const prefix = run.info.artifact_uri.slice(`s3://${bucket}/`.length);
  for (const [path, bytes] of Object.entries(files)) {
    await admin().send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/model/${path}`, Body: bytes }));
  }
  await api.ensureRegisteredModel(model);
  return (await api.createModelVersion(model, run.info.run_id)).version;
}

beforeAll(async () => {
  await admin().send(new CreateBucketCommand({ Bucket: bucket }));
});

describe('a verified copy between two registries whose artefacts are in S3', () => {
  it('is made by S3 itself, file by file, and proven by the digest read on both sides', async () => {
    // Prepare
    const source = uniqueName('staging.models.fraud');
    const destination = uniqueName('prod.models.fraud');
    const version = await stagingVersionInS3(source);
    const audit: AuditEntry[] = [];
    const progress = new Map<string, CopyProgress>();
    const deps: CopyDeps = {
      environments: environmentsFromEnv(
        {
          MLFLOW_TRACKING_URI: stagingUrl(),
          REGISTRY_NAME: 'staging',
          REGISTRIES: JSON.stringify({
            prod: { trackingUri: stagingUrl(), artifactLocation: `s3://${bucket}/prod-copies` },
          }),
        },
        { values: async () => [] },
        undefined,
        () => client(true),
      ),
      copyProgress: {
        get: async (k) => progress.get(k) ?? null,
        put: async (k, p) => void progress.set(k, p),
      },
      ledger: { appendAudit: async (e: AuditEntry) => void audit.push(e) } as unknown as CopyDeps['ledger'],
      notifier: new MemoryNotifier(),
      now: () => new Date(),
    };
    const mark = calls.length;

    // Act
    const outcome = await copyVersion(
      { type: 'copyVersion', version, registry: 'prod', model: destination, approvedBy: [] },
      source,
      deps,
    );

    // Assess
    expect(outcome).toMatchObject({ status: 'copied', serverSide: Object.keys(files).length });
    expect(outcome.destinationDigest).toBe(outcome.sourceDigest);
    const made = calls.slice(mark);
    expect(made.filter((c) => c.command === 'CopyObjectCommand')).toHaveLength(Object.keys(files).length);
    expect(made.filter((c) => /PutObject|UploadPart|CreateMultipartUpload/.test(c.command))).toEqual([]);
    const copied = await mlflowApi(stagingUrl()).getModelVersion(destination, outcome.version!);
    expect(copied.source).toMatch(new RegExp(`^s3://${bucket}/prod-copies/`));
    const prefix = copied.source!.slice(`s3://${bucket}/`.length);
    for (const [path, bytes] of Object.entries(files))
      expect((await stored(`${prefix}/${path}`)).equals(bytes)).toBe(true);
    expect(tagsOf(copied)['baton.digest']).toBe(outcome.sourceDigest);
    expect(audit.find((e) => e.model === destination)?.evidence.serverSide).toBe(Object.keys(files).length);
  });

  it('copies a file above the single-copy limit in parts by byte range (UploadPartCopy)', async () => {
    // Prepare: 11 MiB, copied in 5 MiB parts above a 1 MiB single-copy limit.
    const bytes = randomBytes(11 * MiB);
    const from = `s3://${bucket}/big/${uniqueName('src')}/weights.bin`;
    const to = `s3://${bucket}/big/${uniqueName('dst')}/weights.bin`;
    await admin().send(
      new PutObjectCommand({ Bucket: bucket, Key: from.slice(`s3://${bucket}/`.length), Body: bytes }),
    );
    const store = (identity: string) =>
      new S3Artifacts({
        client: async () => client(true),
        identity,
        singleCopyLimit: MiB,
        copyPartSize: 5 * MiB,
      });
    const mark = calls.length;

    // Act
    const copy = store('copier-role').serverSideCopy(store('copier-role'), from, to, bytes.length);
    await copy!();

    // Assess
    expect(calls.slice(mark).map((c) => c.command)).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCopyCommand',
      'UploadPartCopyCommand',
      'UploadPartCopyCommand',
      'CompleteMultipartUploadCommand',
    ]);
    expect((await stored(to.slice(`s3://${bucket}/`.length))).equals(bytes)).toBe(true);
    // Stores of other credentials never copy server-side: the bytes stream through the copier.
    expect(store('copier-role').serverSideCopy(store('unity-catalog'), from, to, bytes.length)).toBeNull();
  });
});
