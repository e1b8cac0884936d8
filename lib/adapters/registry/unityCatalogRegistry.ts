/**
 * The ModelRegistry port over Databricks' Unity Catalog model registry, through the paths MLflow's
 * own client uses for `databricks-uc` (UcModelRegistryStore, MLflow 3.17.2): `/api/2.0/mlflow/
 * unity-catalog/…` on the workspace host, with the workspace token as bearer token. Models have
 * three-level names (`catalog.schema.model`), refused before any request otherwise.
 *
 * What differs from the workspace/OSS adapter (mlflowRegistry.ts):
 * - search takes one condition (`name='…'`) and no `order_by`, and its order is unspecified: the
 *   adapter reads every page of the model's versions (`page_token`, `max_results`), sorts them
 *   itself (newest first unless told otherwise) and pages the sorted list with its own token. A
 *   search across every model cannot be expressed, so it answers an empty page without asking:
 *   the tick's reconciler therefore finds no Unity Catalog versions (see README, registry flavours).
 * - search results carry no aliases: they are read from the model (`registered-models/get`).
 * - a version is READY only after `finalize`; PENDING_REGISTRATION and UNSPECIFIED both read as
 *   PENDING_REGISTRATION, which the core retries later (unityCatalogWire.ts).
 * - runs are not in Unity Catalog: they live in the workspace's tracking server, read through the
 *   injected `runs` (an MlflowRegistry on the same host, `GET /api/2.0/mlflow/runs/get`).
 * Absent things are null and deleting what is already gone succeeds, as in the other adapter.
 *
 * @example
 *   const registry = new UnityCatalogRegistry({ baseUrl: 'https://dbc-1.cloud.databricks.com',
 *     token: 'dapi…', runs: new MlflowRegistry({ baseUrl: 'https://dbc-1.cloud.databricks.com', token: 'dapi…' }) });
 *   await registry.setAlias('main.fraud.detector', 'challenger', '7');
 */
import type { ModelRegistry, ModelVersionInfo, RunInfo } from '../../domain/ports';
import { HttpClient, type HttpClientOptions } from './httpClient';
import { bearer, isAliasUnset, isMissing, parse, type TokenSource, unless } from './registryReplies';
import {
  modelVersionResponse,
  NEWEST_FIRST,
  offsetOf,
  pageTokenOf,
  registeredModelResponse,
  searchResponse,
  sortVersions,
  ucModelName,
} from './unityCatalogWire';

const API = '/api/2.0/mlflow/unity-catalog';
/** Versions per Unity Catalog search page (its maximum is 10,000). */
const SEARCH_PAGE_SIZE = 1000;
/** A model with more pages than this is not read whole (a server that never stops paging). */
const MAX_SEARCH_PAGES = 1000;

export interface UnityCatalogRegistryOptions extends Omit<HttpClientOptions, 'auth'> {
  /** The workspace origin, e.g. `https://dbc-1234.cloud.databricks.com`. */
  baseUrl: string;
  /** The workspace token (PAT or service-principal OAuth token): fixed, or read per request. */
  token: string | TokenSource;
  /** Where runs (and their metrics) are read: the workspace's tracking server. */
  runs: Pick<ModelRegistry, 'getRun'>;
  /** Versions per search request; default 1000. */
  searchPageSize?: number;
}

export class UnityCatalogRegistry implements ModelRegistry {
  private readonly http: HttpClient;
  private readonly runs: Pick<ModelRegistry, 'getRun'>;
  private readonly searchPageSize: number;

  constructor({ token, runs, searchPageSize, ...options }: UnityCatalogRegistryOptions) {
    this.http = new HttpClient({ ...options, auth: bearer(token) });
    this.runs = runs;
    this.searchPageSize = searchPageSize ?? SEARCH_PAGE_SIZE;
  }

  // async: a refused name is a rejected promise, like every other failure.
  async getModelVersion(name: string, version: string): Promise<ModelVersionInfo | null> {
    const query = { name: ucModelName(name), version };
    return unless(isMissing, async () => {
      const body = await this.http.request('GET', `${API}/model-versions/get`, { query });
      return parse(modelVersionResponse, body, 'unity-catalog/model-versions/get').model_version;
    });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersionInfo | null> {
    const query = { name: ucModelName(name), alias };
    return unless(isAliasUnset, async () => {
      const body = await this.http.request('GET', `${API}/registered-models/alias`, { query });
      return parse(modelVersionResponse, body, 'unity-catalog/registered-models/alias').model_version;
    });
  }

  /** Every version of one model, sorted here (newest first by default) and paged by Baton's token. */
  async searchModelVersions(options: {
    name?: string;
    orderBy?: string[];
    maxResults?: number;
    pageToken?: string;
  }): Promise<{ versions: ModelVersionInfo[]; nextPageToken?: string }> {
    const { name, orderBy = NEWEST_FIRST, maxResults, pageToken } = options;
    const offset = offsetOf(pageToken);
    // Unity Catalog searches one model at a time; the cross-model sweep is not expressible.
    if (name === undefined) return { versions: [] };
    const model = ucModelName(name);
    const sorted = sortVersions(await this.allVersions(model), orderBy);
    const end = maxResults === undefined ? sorted.length : offset + maxResults;
    const page = sorted.slice(offset, end);
    const aliases = page.length > 0 ? await this.aliasesOf(model) : [];
    const versions = page.map((mv) => ({
      ...mv,
      aliases: [
        ...new Set([...mv.aliases, ...aliases.filter((a) => a.version === mv.version).map((a) => a.alias)]),
      ],
    }));
    return end < sorted.length ? { versions, nextPageToken: pageTokenOf(end) } : { versions };
  }

  getRun(runId: string): Promise<RunInfo | null> {
    return this.runs.getRun(runId);
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    const body = { name: ucModelName(name), version, key, value };
    await this.http.request('POST', `${API}/model-versions/set-tag`, { body });
  }

  /** A tag on a version that is gone is already deleted. */
  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    const body = { name: ucModelName(name), version, key };
    await unless(isMissing, () => this.http.request('DELETE', `${API}/model-versions/delete-tag`, { body }));
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    const body = { name: ucModelName(name), alias, version };
    await this.http.request('POST', `${API}/registered-models/alias`, { body });
  }

  /** An unset alias, or one on a model that is gone, is already deleted. */
  async deleteAlias(name: string, alias: string): Promise<void> {
    const body = { name: ucModelName(name), alias };
    await unless(isAliasUnset, () => this.http.request('DELETE', `${API}/registered-models/alias`, { body }));
  }

  /** Every page of the model's versions; a model that does not exist has none. */
  private async allVersions(model: string): Promise<ModelVersionInfo[]> {
    const versions: ModelVersionInfo[] = [];
    const seen = new Set<string>();
    let pageToken: string | undefined;
    for (let pages = 0; pages < MAX_SEARCH_PAGES; pages++) {
      const query = { filter: `name='${model}'`, max_results: this.searchPageSize, page_token: pageToken };
      const body = await unless(isMissing, () =>
        this.http.request('GET', `${API}/model-versions/search`, { query }),
      );
      if (body === null) return versions;
      const page = parse(searchResponse, body, 'unity-catalog/model-versions/search');
      // A page may be empty and still name a next one: only a missing token ends the search.
      // Unity Catalog names are case-insensitive (it keeps them in lower case).
      versions.push(...page.model_versions.filter((mv) => mv.name.toLowerCase() === model.toLowerCase()));
      if (!page.next_page_token || seen.has(page.next_page_token)) return versions;
      seen.add(page.next_page_token);
      pageToken = page.next_page_token;
    }
    return versions;
  }

  private async aliasesOf(model: string): Promise<{ alias: string; version: string }[]> {
    const body = await unless(isMissing, () =>
      this.http.request('GET', `${API}/registered-models/get`, { query: { name: model } }),
    );
    if (body === null) return [];
    return parse(registeredModelResponse, body, 'unity-catalog/registered-models/get').registered_model
      .aliases;
  }
}
