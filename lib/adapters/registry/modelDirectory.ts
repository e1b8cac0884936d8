/**
 * The ModelDirectory port (lib/domain/pollPorts.ts) over a registry's registered-model search: one
 * request per page, no filter, the registry's own order. Two dialects, as the version feed:
 * - `unity-catalog`: `GET /api/2.0/mlflow/unity-catalog/registered-models/search` with `max_results`
 *   and `page_token` only (MLflow's Unity Catalog client refuses a filter or an order there);
 * - `mlflow` (OSS or workspace): `GET /api/2.0/mlflow/registered-models/search`, the same two
 *   parameters (an OSS server allows at most 1,000 a page).
 *
 * @example
 *   const directory = new HttpModelDirectory(http, { dialect: 'unity-catalog' });
 *   await directory.page(); // { models: [{ name: 'main.fraud.eu', creationTimestamp: … }], nextPageToken: '…' }
 */
import * as z from 'zod/mini';
import { describeIssues } from '../../../events/issues';
import type { ListedModel, ModelDirectory } from '../../domain/pollPorts';
import { RegistryResponseError } from './errors';
import type { HttpClient } from './httpClient';
import { int64 } from './wireFields';

const listingPage = z.looseObject({
  registered_models: z._default(
    z.array(z.looseObject({ name: z.string(), creation_timestamp: z.optional(int64) })),
    [],
  ),
  next_page_token: z.optional(z.string()),
});

const paths = {
  mlflow: '/api/2.0/mlflow/registered-models/search',
  'unity-catalog': '/api/2.0/mlflow/unity-catalog/registered-models/search',
};

export interface ModelDirectoryOptions {
  dialect: 'mlflow' | 'unity-catalog';
  /** Models per request (default 1000, an OSS server's maximum). */
  pageSize?: number;
}

export class HttpModelDirectory implements ModelDirectory {
  constructor(
    private readonly http: HttpClient,
    private readonly options: ModelDirectoryOptions,
  ) {}

  async page(pageToken?: string): Promise<{ models: ListedModel[]; nextPageToken?: string }> {
    const body = await this.http.request('GET', paths[this.options.dialect], {
      query: { max_results: this.options.pageSize ?? 1000, page_token: pageToken },
    });
    const parsed = listingPage.safeParse(body);
    if (!parsed.success) {
      throw new RegistryResponseError('registered-models/search', describeIssues(parsed.error.issues));
    }
    const models = parsed.data.registered_models.map((m) => ({
      name: m.name,
      creationTimestamp: m.creation_timestamp ?? null,
    }));
    const next = parsed.data.next_page_token;
    return next ? { models, nextPageToken: next } : { models };
  }
}
