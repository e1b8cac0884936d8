/** Signs requests exactly as the senders do, for tests that play the sender. */
import { createHmac, randomUUID } from 'node:crypto';

export function mlflowHeaders(
  secret: string,
  body: string | Buffer,
  now = new Date(),
  deliveryId: string = randomUUID(),
) {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = createHmac('sha256', secret)
    .update(`${deliveryId}.${timestamp}.`)
    .update(body)
    .digest('base64');
  return {
    'content-type': 'application/json',
    'x-mlflow-delivery-id': deliveryId,
    'x-mlflow-timestamp': timestamp,
    'x-mlflow-signature': `v1,${signature}`,
  };
}

export function databricksHeaders(secret: string, body: string | Buffer) {
  return {
    'content-type': 'application/json',
    'x-databricks-signature': createHmac('sha256', secret).update(body).digest('hex'),
  };
}

export function slackHeaders(secret: string, body: string | Buffer, now = new Date()) {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`,
  };
}

/** MLflow's webhook envelope. */
export function mlflowPayload(entity: string, action: string, data: Record<string, unknown>): string {
  return JSON.stringify({ entity, action, timestamp: new Date().toISOString(), data });
}
