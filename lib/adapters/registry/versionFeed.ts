/**
 * The VersionFeed port (lib/domain/pollPorts.ts) over a registry's version search: one request per
 * page, one model per search, nothing else read (no aliases, no runs), so the poll intake counts
 * exactly the requests it makes. Two dialects:
 * - `unity-catalog`: `GET /api/2.0/mlflow/unity-catalog/model-versions/search` with the one
 *   condition it takes (`name='…'`) and no `order_by`: pages come in no stated order, so the intake
 *   reads them all (one request below `pageSize` versions; Unity Catalog allows up to 10,000).
 * - `mlflow` (OSS or workspace): `GET /api/2.0/mlflow/model-versions/search`, newest version first
 *   (`order_by=version_number DESC`), so the intake stops at the page that reaches its cursor. With
 *   `ordered: false` it sends no order_by, as Unity Catalog: MLflow's own order is then by last
 *   update, which tags change. That is how the tests make the real MLflow server stand in for
 *   Unity Catalog's search.
 * A model that does not exist has no versions (an empty page).
 *
 * @example
 *   const feed = new HttpVersionFeed(http, { dialect: 'unity-catalog', pageSize: 1000 });
 *   await feed.page('main.fraud.detector'); // { versions: [{ version: '7', creationTimestamp: … }] }
 */
import * as z from 'zod/mini';
import { describeIssues } from '../../../events/issues';
import type { PolledVersion, VersionFeed, VersionPage } from '../../domain/pollPorts';
import { RegistryRequestError, RegistryResponseError, RegistryUnsupportedError } from './errors';
import type { HttpClient } from './httpClient';
import { int64 } from './wireFields';

const searchPage = z.looseObject({
  model_versions: z._default(
    z.array(
      z.looseObject({
        name: z.string(),
        version: z.pipe(z.union([z.string(), z.int()]), z.transform(String)),
        creation_timestamp: int64,
      }),
    ),
    [],
  ),
  next_page_token: z.optional(z.string()),
});

export interface VersionFeedOptions {
  dialect: 'mlflow' | 'unity-catalog';
  /** Versions per request (default 1000). */
  pageSize?: number;
  /** mlflow only: ask for newest version first (default true); false searches as Unity Catalog does. */
  ordered?: boolean;
}

const paths = {
  mlflow: '/api/2.0/mlflow/model-versions/search',
  'unity-catalog': '/api/2.0/mlflow/unity-catalog/model-versions/search',
};

/** `name='…'` with the quote the name lacks (MLflow reads no escapes inside a filter's quotes). */
function nameFilter(name: string): string {
  if (!name.includes("'")) return `name='${name}'`;
  if (!name.includes('"')) return `name="${name}"`;
  throw new RegistryUnsupportedError(`"${name}" holds both kinds of quote: no search filter can name it`);
}

export class HttpVersionFeed implements VersionFeed {
  readonly newestFirst: boolean;
  private readonly pageSize: number;

  constructor(
    private readonly http: HttpClient,
    private readonly options: VersionFeedOptions,
  ) {
    this.newestFirst = options.dialect === 'mlflow' && options.ordered !== false;
    this.pageSize = options.pageSize ?? 1000;
  }

  async page(model: string, pageToken?: string): Promise<VersionPage> {
    const query = {
      filter: nameFilter(model),
      max_results: this.pageSize,
      page_token: pageToken,
      order_by: this.newestFirst ? ['version_number DESC'] : undefined,
    };
    let body: unknown;
    try {
      body = await this.http.request('GET', paths[this.options.dialect], { query });
    } catch (error) {
      if (error instanceof RegistryRequestError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') {
        return { versions: [] };
      }
      throw error;
    }
    const parsed = searchPage.safeParse(body);
    if (!parsed.success) {
      throw new RegistryResponseError('model-versions/search', describeIssues(parsed.error.issues));
    }
    // Unity Catalog keeps names in lower case; a search only ever answers for the one model.
    const versions: PolledVersion[] = parsed.data.model_versions
      .filter((mv) => mv.name.toLowerCase() === model.toLowerCase())
      .map((mv) => ({ version: mv.version, creationTimestamp: mv.creation_timestamp }));
    const next = parsed.data.next_page_token;
    return next ? { versions, nextPageToken: next } : { versions };
  }
}
