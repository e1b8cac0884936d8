/**
 * Registers (or updates) the MLflow webhook that delivers registry events to Baton's ingress,
 * through MLflow's own REST API. Idempotent by name.
 *
 * @example
 *   await ensureMlflowWebhook({ mlflowUrl, name: 'baton-local', url: `${ingress}/webhooks/mlflow`, secret });
 */

/** Every registry event Baton listens to, in the uppercase form MLflow's API expects. */
export const webhookEvents = [
  { entity: 'REGISTERED_MODEL', action: 'CREATED' },
  { entity: 'MODEL_VERSION', action: 'CREATED' },
  { entity: 'MODEL_VERSION_TAG', action: 'SET' },
  { entity: 'MODEL_VERSION_TAG', action: 'DELETED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
];

interface Webhook {
  webhook_id: string;
  name: string;
  url: string;
}

async function call<T>(mlflowUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${mlflowUrl}/api/2.0/mlflow/webhooks${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`MLflow ${method} webhooks${path} failed: ${response.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

async function listWebhooks(mlflowUrl: string): Promise<Webhook[]> {
  const all: Webhook[] = [];
  let token: string | undefined;
  do {
    const query = `?max_results=100${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
    const page = await call<{ webhooks?: Webhook[]; next_page_token?: string }>(mlflowUrl, 'GET', query);
    all.push(...(page.webhooks ?? []));
    token = page.next_page_token;
  } while (token);
  return all;
}

export async function ensureMlflowWebhook(options: {
  mlflowUrl: string;
  name: string;
  url: string;
  secret: string;
  /** The events to deliver (default: every one Baton listens to). */
  events?: typeof webhookEvents;
}): Promise<string> {
  const body = {
    name: options.name,
    url: options.url,
    events: options.events ?? webhookEvents,
    secret: options.secret,
    status: 'ACTIVE',
  };
  const existing = (await listWebhooks(options.mlflowUrl)).find((w) => w.name === options.name);
  if (existing) {
    await call(options.mlflowUrl, 'PATCH', `/${existing.webhook_id}`, body);
    return existing.webhook_id;
  }
  const created = await call<{ webhook: Webhook }>(options.mlflowUrl, 'POST', '', body);
  return created.webhook.webhook_id;
}

export async function deleteMlflowWebhook(mlflowUrl: string, id: string): Promise<void> {
  await call(mlflowUrl, 'DELETE', `/${id}`);
}
