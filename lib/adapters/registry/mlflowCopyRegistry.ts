/**
 * The CopyRegistry port over MLflow's REST API 2.0 (OSS and workspace): where a version's artefacts
 * are (`model-versions/get-download-uri`, which resolves `runs:/` and `models:/` sources), a run of
 * the destination's own for a copy's files, creating the destination model and version, and finding
 * a version by its lineage tag (`search` with `tags.\`key\` = 'value'`). Artefacts behind the
 * proxied artifact API (`mlflow-artifacts:` URIs) are locations relative to that API; artefacts in
 * S3 (`s3://bucket/key`: a server run with `--default-artifact-root s3://…`) are their URI, read
 * and written with the copier's own role (s3Artifacts.ts). Other stores (dbfs:/, gs://) are refused
 * by name. `artifactLocation` puts the copies' runs under an S3 prefix of the destination's choice.
 *
 * @example
 *   const copies = new MlflowCopyRegistry(new HttpClient({ baseUrl: 'http://127.0.0.1:5000' }));
 *   await copies.artefactRoot('fraud', '7'); // '1/0a1b…/artifacts/model'
 */
import * as z from 'zod/mini';
import type { CopyRegistry, NewVersion, PreparedCopy } from '../../domain/copyPorts';
import type { ModelVersionInfo } from '../../domain/ports';
import { RegistryResponseError, RegistryUnsupportedError } from './errors';
import type { HttpClient } from './httpClient';
import { alreadyExists, isMissing, unless } from './registryReplies';

const API = '/api/2.0/mlflow';
const PROXIED = /^mlflow-artifacts:(?:\/\/[^/]*)?\/+(.*)$/;
const PROXIED_HTTP = /^https?:\/\/[^/]+\/api\/2\.0\/mlflow-artifacts\/artifacts\/+(.*)$/;
const S3 = /^s3:\/\/[^/]+\/.+$/;

/** A location of the artefact store: a path of the artifact API, or an s3:// URI; null for other stores. */
function locationOf(uri: string): string | null {
  const path = PROXIED.exec(uri)?.[1] ?? PROXIED_HTTP.exec(uri)?.[1] ?? (S3.test(uri) ? uri : undefined);
  return path === undefined ? null : path.replace(/\/+$/, '');
}

const downloadUri = z.looseObject({ artifact_uri: z.string() });
const runShape = z.looseObject({
  info: z.looseObject({ artifact_uri: z.string(), run_id: z.optional(z.string()) }),
});
const runInfo = z.looseObject({ run: runShape });
const runList = z.looseObject({ runs: z.optional(z.array(runShape)) });
const experimentInfo = z.looseObject({ experiment: z.looseObject({ experiment_id: z.string() }) });
/** The destination experiment holding one run per copy (MLflow registers artefacts only from a run's). */
const COPY_EXPERIMENT = 'baton-copies';
const COPY_KEY = 'baton.copy_key';
const created = z.looseObject({
  model_version: z.looseObject({ version: z.union([z.string(), z.number()]) }),
});
const found = z.looseObject({
  model_versions: z.optional(
    z.array(
      z.looseObject({
        name: z.string(),
        version: z.union([z.string(), z.number()]),
        status: z.string(),
        source: z.optional(z.string()),
        run_id: z.optional(z.string()),
        creation_timestamp: z.optional(z.union([z.number(), z.string()])),
        tags: z.optional(z.array(z.looseObject({ key: z.string(), value: z.optional(z.string()) }))),
      }),
    ),
  ),
});

/** MLflow's filter string quoting: a single quote doubled would not do, it wants a backslash. */
const quoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export class MlflowCopyRegistry implements CopyRegistry {
  readonly sharesArtefacts = true;
  readonly createsBeforeUpload = false;
  private readonly experimentName: string;

  /** `artifactLocation`: an s3:// prefix the copies' runs are created under (default: the server's own store). */
  constructor(
    private readonly http: HttpClient,
    private readonly artifactLocation?: string,
  ) {
    this.experimentName = artifactLocation ? `${COPY_EXPERIMENT} (${artifactLocation})` : COPY_EXPERIMENT;
  }

  async artefactRoot(name: string, version: string): Promise<string> {
    const uri = await this.resolve(await this.downloadUri(name, version));
    const location = locationOf(uri);
    if (location === null)
      throw new RegistryUnsupportedError(
        `${name} v${version}'s artefacts are at ${uri}: only artefacts served through the tracking server's artifact API (mlflow-artifacts:) or in S3 (s3://) can be copied between servers`,
      );
    return location;
  }

  /** A run of the destination's own, found by the copy's key or created: its artefact folder `model`. */
  async prepare(key: string): Promise<PreparedCopy> {
    const run = await this.copyRun(key);
    return { root: `${run.root}/model`, runId: run.runId };
  }

  /** Creates the version from the run's files (or, within one server, from `models:/…`). */
  async finish(name: string, prepared: PreparedCopy, init: NewVersion): Promise<string> {
    await this.ensureModel(name, init.modelDescription);
    return this.createVersion(name, {
      source: prepared.runId ? this.sourceOf(prepared.root) : init.source,
      ...((prepared.runId ?? init.runId) && { runId: prepared.runId ?? init.runId }),
      ...(init.description && { description: init.description }),
      tags: init.tags,
    });
  }

  /** `runs:/<run>/<path>` is the run's artifact URI plus the path; `models:/<name>/<version>`, that version's. */
  private async resolve(uri: string): Promise<string> {
    const run = /^runs:\/+([^/]+)\/?(.*)$/.exec(uri);
    if (run) {
      const body = await this.http.request('GET', `${API}/runs/get`, { query: { run_id: run[1]! } });
      const parsed = runInfo.safeParse(body);
      if (!parsed.success) throw new RegistryResponseError('GET runs/get', 'no run.info.artifact_uri');
      return `${parsed.data.run.info.artifact_uri.replace(/\/+$/, '')}${run[2] ? `/${run[2]}` : ''}`;
    }
    const model = /^models:\/+([^/]+)\/(\d+)\/?$/.exec(uri);
    if (model) return this.resolve(await this.downloadUri(model[1]!, model[2]!));
    return uri;
  }

  private async downloadUri(name: string, version: string): Promise<string> {
    const body = await this.http.request('GET', `${API}/model-versions/get-download-uri`, {
      query: { name, version },
    });
    const parsed = downloadUri.safeParse(body);
    if (!parsed.success)
      throw new RegistryResponseError('GET model-versions/get-download-uri', 'no artifact_uri');
    return parsed.data.artifact_uri;
  }

  private async copyRun(key: string): Promise<{ runId: string; root: string }> {
    const experimentId = await this.experiment(this.experimentName);
    const searched = await this.http.request('POST', `${API}/runs/search`, {
      body: {
        experiment_ids: [experimentId],
        filter: `tags.\`${COPY_KEY}\` = ${quoted(key)}`,
        max_results: 1,
      },
    });
    const existing = runList.safeParse(searched);
    const found = existing.success ? existing.data.runs?.[0] : undefined;
    const run =
      found ??
      runInfo.parse(
        await this.http.request('POST', `${API}/runs/create`, {
          body: {
            experiment_id: experimentId,
            start_time: Date.now(),
            tags: [{ key: COPY_KEY, value: key }],
          },
        }),
      ).run;
    const runId = run.info.run_id!;
    if (!found)
      await this.http.request('POST', `${API}/runs/update`, { body: { run_id: runId, status: 'FINISHED' } });
    const root = locationOf(run.info.artifact_uri);
    if (root === null)
      throw new RegistryUnsupportedError(
        `the destination stores run artefacts at ${run.info.artifact_uri}, neither behind its artifact API nor in S3`,
      );
    return { runId, root };
  }

  private async experiment(name: string): Promise<string> {
    const byName = () =>
      unless(isMissing, async () => {
        const body = await this.http.request('GET', `${API}/experiments/get-by-name`, {
          query: { experiment_name: name },
        });
        return experimentInfo.parse(body).experiment.experiment_id;
      });
    const known = await byName();
    if (known) return known;
    const created = await unless(alreadyExists, async () => {
      const body = await this.http.request('POST', `${API}/experiments/create`, {
        body: { name, ...(this.artifactLocation && { artifact_location: this.artifactLocation }) },
      });
      return z.looseObject({ experiment_id: z.string() }).parse(body).experiment_id;
    });
    // Null: created by a parallel copy between the lookup and the create.
    return created ?? (await byName())!;
  }

  private sourceOf(root: string): string {
    return root.startsWith('s3://') ? root : `mlflow-artifacts:/${root}`;
  }

  private async ensureModel(name: string, description = ''): Promise<void> {
    await unless(alreadyExists, () =>
      this.http.request('POST', `${API}/registered-models/create`, { body: { name, description } }),
    );
  }

  private async createVersion(
    name: string,
    options: { source: string; runId?: string; description?: string; tags: Record<string, string> },
  ): Promise<string> {
    const body = await this.http.request('POST', `${API}/model-versions/create`, {
      body: {
        name,
        source: options.source,
        ...(options.runId && { run_id: options.runId }),
        ...(options.description && { description: options.description }),
        tags: Object.entries(options.tags).map(([key, value]) => ({ key, value })),
      },
    });
    const parsed = created.safeParse(body);
    if (!parsed.success) throw new RegistryResponseError('POST model-versions/create', 'no model_version');
    return String(parsed.data.model_version.version);
  }

  async findVersionByTag(name: string, key: string, value: string): Promise<ModelVersionInfo | null> {
    const body = await this.http.request('GET', `${API}/model-versions/search`, {
      query: {
        filter: `name = ${quoted(name)} AND tags.\`${key}\` = ${quoted(value)}`,
        order_by: ['version_number ASC'],
        max_results: 10,
      },
    });
    const parsed = found.safeParse(body);
    if (!parsed.success) throw new RegistryResponseError('GET model-versions/search', 'not a version list');
    const first = parsed.data.model_versions?.[0];
    if (!first) return null;
    const created = Number(first.creation_timestamp ?? 0);
    return {
      name: first.name,
      version: String(first.version),
      status: first.status as ModelVersionInfo['status'],
      runId: first.run_id || undefined,
      source: first.source || undefined,
      tags: Object.fromEntries((first.tags ?? []).map((t) => [t.key, t.value ?? ''])),
      aliases: [],
      creationTimestamp: created,
      lastUpdatedTimestamp: created,
    } as ModelVersionInfo;
  }
}
