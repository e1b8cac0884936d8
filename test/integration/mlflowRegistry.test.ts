/**
 * The MLflow registry adapter against the real MLflow server the integration suite starts:
 * what Baton reads back and writes is what MLflow itself shows.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { RequestRecord } from '../../lib/adapters/registry/httpClient';
import { MlflowRegistry } from '../../lib/adapters/registry/mlflowRegistry';
import { mlflowApi } from '../../local/mlflowApi';
import { uniqueName } from '../support/localStack';

const api = mlflowApi(inject('mlflowUrl'));
const records: RequestRecord[] = [];
const registry = new MlflowRegistry({ baseUrl: inject('mlflowUrl'), onRequest: (r) => records.push(r) });

let model: string;
let runId: string;

beforeAll(async () => {
  model = uniqueName('registry-it');
  runId = await api.createRun('baton-registry-it', { val_auc: 0.91, val_logloss: 0.3 }, { owner: 'ml-team' });
  await api.ensureRegisteredModel(model);
  await api.createModelVersion(model, runId, { description: 'first cut', tags: { git_sha: 'abc123' } });
});

describe('reading', () => {
  it('reads a fresh model version with its status, run and tags', async () => {
    const version = await registry.getModelVersion(model, '1');

    expect(version).toMatchObject({
      name: model,
      version: '1',
      status: 'READY',
      runId,
      source: `runs:/${runId}/model`,
      description: 'first cut',
      tags: { git_sha: 'abc123' },
      aliases: [],
    });
    expect(version!.creationTimestamp).toBeGreaterThan(Date.parse('2024-01-01'));
  });

  it('returns null for a version, a model and a run that do not exist', async () => {
    expect(await registry.getModelVersion(model, '99')).toBeNull();
    expect(await registry.getModelVersion(uniqueName('no-such-model'), '1')).toBeNull();
    expect(await registry.getRun('0123456789abcdef0123456789abcdef')).toBeNull();
  });

  it("reads a run's latest metric values and tags", async () => {
    await api.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'val_auc', value: 0.93, timestamp: Date.now(), step: 1 }],
    });

    const run = await registry.getRun(runId);

    expect(run).toMatchObject({ runId, status: 'FINISHED', metrics: { val_auc: 0.93, val_logloss: 0.3 } });
    expect(run!.tags.owner).toBe('ml-team');
  });
});

describe('writing', () => {
  it('sets a tag MLflow then shows, and deletes it again', async () => {
    await registry.setModelVersionTag(model, '1', 'validation_status', 'PASSED');
    expect((await api.getModelVersion(model, '1')).tags).toContainEqual({
      key: 'validation_status',
      value: 'PASSED',
    });

    await registry.deleteModelVersionTag(model, '1', 'validation_status');

    expect((await registry.getModelVersion(model, '1'))!.tags).toEqual({ git_sha: 'abc123' });
  });

  it('sets an alias, finds the version by it, and deletes it', async () => {
    await registry.setAlias(model, 'challenger', '1');
    expect(await registry.getModelVersionByAlias(model, 'challenger')).toMatchObject({
      version: '1',
      aliases: ['challenger'],
    });

    await registry.deleteAlias(model, 'challenger');

    expect(await registry.getModelVersionByAlias(model, 'challenger')).toBeNull();
  });

  it('succeeds when deleting a tag or an alias that is not there', async () => {
    await expect(registry.deleteModelVersionTag(model, '1', 'never_set')).resolves.toBeUndefined();
    await expect(registry.deleteAlias(model, 'never_set')).resolves.toBeUndefined();
    await expect(registry.deleteAlias(uniqueName('no-such-model'), 'champion')).resolves.toBeUndefined();
    expect(await registry.getModelVersionByAlias(uniqueName('no-such-model'), 'champion')).toBeNull();
  });
});

describe('searching', () => {
  it('pages through one model newest first, with aliases filled in', async () => {
    const paged = uniqueName('registry-it-paged');
    await api.ensureRegisteredModel(paged);
    for (let i = 0; i < 3; i++) await api.createModelVersion(paged, runId);
    await registry.setAlias(paged, 'champion', '2');

    const first = await registry.searchModelVersions({ name: paged, maxResults: 2 });
    const second = await registry.searchModelVersions({
      name: paged,
      maxResults: 2,
      pageToken: first.nextPageToken,
    });

    expect(first.versions.map((v) => [v.version, v.aliases])).toEqual([
      ['3', []],
      ['2', ['champion']],
    ]);
    expect(first.nextPageToken).toEqual(expect.any(String));
    expect(second.versions.map((v) => v.version)).toEqual(['1']);
    expect(second.nextPageToken).toBeUndefined();
  });

  it('finds a model whose name holds quotes, which MLflow cannot escape', async () => {
    const quoted = [uniqueName("it's"), uniqueName(`it's "quoted"`)];
    for (const name of quoted) {
      await api.ensureRegisteredModel(name);
      await api.createModelVersion(name, runId);
    }

    for (const name of quoted) {
      const { versions } = await registry.searchModelVersions({ name });
      expect(versions.map((v) => [v.name, v.version])).toEqual([[name, '1']]);
    }
  });

  it('made every call exactly once: no retries against a healthy server', () => {
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.attempt === 0 && r.status !== undefined && r.status < 500)).toBe(true);
  });
});
