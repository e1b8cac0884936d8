/**
 * The ModelRegistry port over MLflow's REST API 2.0, for an OSS tracking server and (same paths,
 * bearer token) a Databricks workspace registry. Responses are checked with zod and mapped from
 * MLflow's snake_case JSON; absent things are null, and deleting what is already gone succeeds,
 * so every effect Baton applies can be repeated safely.
 *
 * @example
 *   const registry = new MlflowRegistry({ baseUrl: 'http://127.0.0.1:5000' });
 *   const version = await registry.getModelVersion('fraud', '3'); // null when there is none
 *   await registry.setAlias('fraud', 'challenger', '3');
 */
import * as z from 'zod/mini';
import type { ModelRegistry, ModelVersionInfo, RunInfo } from '../../domain/ports';
import { RegistryError } from './errors';
import { HttpClient, type HttpClientOptions } from './httpClient';
import { bearer, isAliasUnset, isMissing, parse, type TokenSource, unless } from './registryReplies';
import { int64, optionalText, tagList, versionNumber } from './wireFields';

export type { TokenSource };

const API = '/api/2.0/mlflow';
/** The port promises newest first; MLflow's own default is last update first. */
const NEWEST_FIRST = ['creation_timestamp DESC', 'version_number DESC'];
/** Registered models whose aliases are read at once when filling in a search page. */
const ALIAS_LOOKUP_CONCURRENCY = 8;

/**
 * JSON has no NaN or infinities, so protobuf's JSON spells them as strings ("NaN", "Infinity").
 * MLflow's SQL stores cannot hold infinities either: they save ±Infinity as the largest double
 * and hand that back (NaN keeps its own column and comes back as "NaN"; checked against 3.17.2).
 * Both read as the JS numbers NaN and ±Infinity, so a diverged run never reads as a usable value.
 */
const metricValue = z.pipe(
  z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]),
  z.transform((value) => {
    const number = Number(value);
    return Math.abs(number) === Number.MAX_VALUE ? Math.sign(number) * Number.POSITIVE_INFINITY : number;
  }),
);

const modelVersion = z.pipe(
  z.looseObject({
    name: z.string(),
    version: versionNumber,
    status: z.enum(['PENDING_REGISTRATION', 'READY', 'FAILED_REGISTRATION']),
    run_id: optionalText,
    source: optionalText,
    description: optionalText,
    user_id: optionalText,
    tags: tagList,
    aliases: z.optional(z.array(z.string())),
    creation_timestamp: int64,
    last_updated_timestamp: z.optional(int64),
  }),
  z.transform(
    (mv): ModelVersionInfo => ({
      name: mv.name,
      version: mv.version,
      status: mv.status,
      runId: mv.run_id,
      source: mv.source,
      description: mv.description,
      userId: mv.user_id,
      tags: mv.tags,
      aliases: mv.aliases ?? [],
      creationTimestamp: mv.creation_timestamp,
      lastUpdatedTimestamp: mv.last_updated_timestamp ?? mv.creation_timestamp,
    }),
  ),
);
const modelVersionResponse = z.looseObject({ model_version: modelVersion });
const searchResponse = z.looseObject({
  model_versions: z.optional(z.array(modelVersion)),
  next_page_token: optionalText,
});
const registeredModelResponse = z.looseObject({
  registered_model: z.looseObject({
    aliases: z.optional(z.array(z.looseObject({ alias: z.string(), version: versionNumber }))),
  }),
});
const metric = z.looseObject({
  key: z.string(),
  value: metricValue,
  timestamp: z.optional(int64),
  step: z.optional(int64),
});
const runResponse = z.looseObject({
  run: z.looseObject({
    info: z.looseObject({
      run_id: optionalText,
      run_uuid: optionalText,
      status: z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']),
      user_id: optionalText,
    }),
    data: z.optional(z.looseObject({ metrics: z.optional(z.array(metric)), tags: tagList })),
  }),
});

type Metric = z.infer<typeof metric>;

/** MLflow's "latest" value of a metric: highest step, then newest timestamp. */
function latestMetrics(metrics: Metric[]): Record<string, number> {
  const latest = new Map<string, Metric>();
  for (const m of metrics) {
    const seen = latest.get(m.key);
    const order = (x: Metric) => [x.step ?? 0, x.timestamp ?? 0] as const;
    const [step, time] = order(m);
    const [seenStep, seenTime] = seen ? order(seen) : [-Infinity, -Infinity];
    if (step > seenStep || (step === seenStep && time >= seenTime)) latest.set(m.key, m);
  }
  return Object.fromEntries([...latest].map(([key, m]) => [key, m.value]));
}

/**
 * MLflow's filter parser strips the quotes around a value but never unescapes inside them (checked
 * against 3.17.2: `'it\'s'` and `'it''s'` match nothing). So quote with the kind the name lacks;
 * a name with both kinds is matched with LIKE (`_` stands for each quote or backslash, which some
 * databases read as LIKE's escape) and the page is filtered exactly here.
 */
function nameFilter(name: string): string {
  if (!name.includes("'")) return `name = '${name}'`;
  if (!name.includes('"')) return `name = "${name}"`;
  return `name LIKE '${name.replace(/['"\\]/g, '_')}'`;
}

export interface MlflowRegistryOptions extends Omit<HttpClientOptions, 'auth'> {
  /** The tracking server (or Databricks workspace) URL, e.g. `http://127.0.0.1:5000`. */
  baseUrl: string;
  /**
   * Sent as `Authorization: Bearer <token>` (MLflow auth tokens, Databricks PATs): a fixed value,
   * or a source read per request (a cached secret) and re-read once when the registry answers 401/403.
   */
  token?: string | TokenSource;
  /** For MLflow's basic-auth app (`mlflow server --app-name basic-auth`). */
  basicAuth?: { username: string; password: string };
}

export class MlflowRegistry implements ModelRegistry {
  private readonly http: HttpClient;

  constructor({ token, basicAuth, ...options }: MlflowRegistryOptions) {
    if (token && basicAuth) throw new RegistryError('give the registry a token or basic auth, not both');
    this.http = new HttpClient({ ...options, auth: bearer(token) ?? basicAuth });
  }

  getModelVersion(name: string, version: string): Promise<ModelVersionInfo | null> {
    return unless(isMissing, async () => {
      const body = await this.http.request('GET', `${API}/model-versions/get`, { query: { name, version } });
      return parse(modelVersionResponse, body, 'model-versions/get').model_version;
    });
  }

  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersionInfo | null> {
    return unless(isAliasUnset, async () => {
      const body = await this.http.request('GET', `${API}/registered-models/alias`, {
        query: { name, alias },
      });
      return parse(modelVersionResponse, body, 'registered-models/alias').model_version;
    });
  }

  /** MLflow's search leaves out aliases, so they are read from each model on the page. */
  async searchModelVersions(options: {
    name?: string;
    orderBy?: string[];
    maxResults?: number;
    pageToken?: string;
  }): Promise<{ versions: ModelVersionInfo[]; nextPageToken?: string }> {
    const { name, orderBy = NEWEST_FIRST, maxResults, pageToken } = options;
    const body = await this.http.request('GET', `${API}/model-versions/search`, {
      query: {
        filter: name === undefined ? undefined : nameFilter(name),
        order_by: orderBy,
        max_results: maxResults,
        page_token: pageToken,
      },
    });
    const page = parse(searchResponse, body, 'model-versions/search');
    const found = (page.model_versions ?? []).filter((mv) => name === undefined || mv.name === name);
    const versions = await this.withAliases(found);
    return page.next_page_token ? { versions, nextPageToken: page.next_page_token } : { versions };
  }

  getRun(runId: string): Promise<RunInfo | null> {
    return unless(isMissing, async () => {
      const body = await this.http.request('GET', `${API}/runs/get`, { query: { run_id: runId } });
      const { info, data } = parse(runResponse, body, 'runs/get').run;
      return {
        runId: info.run_id ?? info.run_uuid ?? runId,
        status: info.status,
        metrics: latestMetrics(data?.metrics ?? []),
        tags: data?.tags ?? {},
        userId: info.user_id,
      };
    });
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.http.request('POST', `${API}/model-versions/set-tag`, { body: { name, version, key, value } });
  }

  /** A missing tag is already deleted (MLflow answers 200); so is one on a missing version (404). */
  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    await unless(isMissing, () =>
      this.http.request('DELETE', `${API}/model-versions/delete-tag`, { body: { name, version, key } }),
    );
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.http.request('POST', `${API}/registered-models/alias`, { body: { name, alias, version } });
  }

  /** An unset alias is already deleted (MLflow answers 200); so is one on a missing model (404). */
  async deleteAlias(name: string, alias: string): Promise<void> {
    await unless(isMissing, () =>
      this.http.request('DELETE', `${API}/registered-models/alias`, { body: { name, alias } }),
    );
  }

  private async withAliases(versions: ModelVersionInfo[]): Promise<ModelVersionInfo[]> {
    const names = [...new Set(versions.map((mv) => mv.name))];
    const aliases = new Map<string, { alias: string; version: string }[]>();
    for (let i = 0; i < names.length; i += ALIAS_LOOKUP_CONCURRENCY) {
      const batch = names.slice(i, i + ALIAS_LOOKUP_CONCURRENCY);
      await Promise.all(batch.map(async (model) => aliases.set(model, await this.aliasesOf(model))));
    }
    return versions.map((mv) => {
      const held = (aliases.get(mv.name) ?? []).filter((a) => a.version === mv.version).map((a) => a.alias);
      return { ...mv, aliases: [...new Set([...mv.aliases, ...held])] };
    });
  }

  private async aliasesOf(name: string): Promise<{ alias: string; version: string }[]> {
    const body = await unless(isMissing, () =>
      this.http.request('GET', `${API}/registered-models/get`, { query: { name } }),
    );
    if (body === null) return [];
    return parse(registeredModelResponse, body, 'registered-models/get').registered_model.aliases ?? [];
  }
}
