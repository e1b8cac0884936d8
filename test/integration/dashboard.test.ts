/**
 * The dashboard in a real headless Chromium against the local stack: sign in with the link
 * `npm start` prints, approve from the page (champion moves in MLflow), watch the canary's weights,
 * read the champion timeline and the history; a person who is not an approver sees no buttons and
 * a forged decision is refused; nobody signed in gets 401 anywhere. Screenshots: .baton/screenshots.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInUrl } from '../../lib/app/ui/identity';
import { mlflowApi } from '../../local/mlflowApi';
import { localCredentials } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { testCloudWatch } from '../support/awsCalls';
import { launchChromium } from '../support/browser';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { eventually, settledPhase } from '../support/registryWaits';

const shots = resolve('.baton/screenshots');
let stack: LocalStack;
let browser: Browser;
let api: ReturnType<typeof mlflowApi>;
const model = uniqueName('dash-fraud');

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  stack = await testStack('af-south-1', {
    scheduleSeconds: 1,
    env: { POLICIES_DIR: resolve('test/fixtures/dashboard-policies') },
  });
  api = mlflowApi(stack.mlflowUrl);
  const cloudwatch = testCloudWatch({
    region: stack.aws.region,
    credentials: localCredentials,
    env: { AWS_ENDPOINT_URL: stack.aws.endpoint },
  });
  await cloudwatch.call('PutMetricAlarm', {
    AlarmName: 'dash-prod-5xx',
    MetricName: 'Invocation5XXErrors',
    Namespace: 'AWS/SageMaker',
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  });
  await cloudwatch.call('SetAlarmState', {
    AlarmName: 'dash-prod-5xx',
    StateValue: 'OK',
    StateReason: 'test',
  });
  await api.ensureRegisteredModel(model);
  browser = await launchChromium();
  // The `ui` sandbox's first start (its module and policies) can outlast one invocation on a busy machine.
  await eventually(
    async () => ((await fetch(`${stack.ingressUrl}/ui`)).status === 401 ? true : undefined),
    180_000,
    'the dashboard answering',
  );
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signedIn(person: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(signInUrl(stack.ingressUrl, stack.secrets.approvalLinkKey, person, new Date()));
  return page;
}

async function waitingVersion(): Promise<string> {
  const { version } = await api.createModelVersion(
    model,
    await api.createRun('baton-dashboard-tests', { val_auc: 0.9 }),
  );
  await settledPhase(testStore(stack), model, version, ['awaiting_approval']);
  return version;
}

async function approveOnPage(version: string): Promise<void> {
  const page = await signedIn('approver');
  await page.goto(`${stack.ingressUrl}/ui/approvals`);
  const row = page.locator('#waiting tr', { hasText: `${model} v${version}` });
  await page.screenshot({ path: `${shots}/approvals.png`, fullPage: true });
  await Promise.all([page.waitForEvent('framenavigated'), row.locator('button.approve').click()]);
  await page.waitForLoadState('load');
  // The whole page, so a refusal's JSON shows in the failure.
  expect(await page.locator('body').innerText()).toContain(`approve of ${model} v${version} is queued`);
  await page.close();
  await eventually(
    async () =>
      (await api.getModelVersion(model, version)).aliases?.includes('champion') ? true : undefined,
    60_000,
    `v${version} champion`,
  );
}

describe('the dashboard', () => {
  it('answers 401 on every route to someone not signed in', async () => {
    const paths = [
      '/ui',
      '/ui/approvals',
      `/ui/models/${model}`,
      `/ui/models/${model}/rollout`,
      '/ui/sign-in?token=forged.x',
    ];
    const statuses = await Promise.all(
      paths.map(async (p) => (await fetch(`${stack.ingressUrl}${p}`)).status),
    );
    const post = await fetch(`${stack.ingressUrl}/ui/approvals`, {
      method: 'POST',
      body: new URLSearchParams({ model, version: '1', decision: 'approve' }),
    });

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(post.status).toBe(401);
  });

  it('lets an approver approve a waiting version, and champion moves in MLflow', async () => {
    const first = await waitingVersion();

    await approveOnPage(first);
  }, 120_000);

  it('shows a person who is not an approver no buttons, and refuses their forged decision with 403', async () => {
    const version = await waitingVersion();
    const page = await signedIn('viewer');
    await page.goto(`${stack.ingressUrl}/ui/approvals`);
    const row = page.locator('#waiting tr', { hasText: `${model} v${version}` });

    const buttons = await row.locator('button').count();
    const forged = await page.request.post(`${stack.ingressUrl}/ui/approvals`, {
      form: { model, version, decision: 'approve' },
    });

    expect(buttons).toBe(0);
    expect(await row.textContent()).toContain('you are not an approver');
    expect(forged.status()).toBe(403);
    expect(await forged.json()).toEqual({
      error: 'forbidden',
      detail: `viewer is not an approver of ${model}`,
    });
    await page.close();
    // The approver lets it through: a canary against the first champion.
    await approveOnPage(version);
  }, 180_000);

  it('shows the canary’s weights per step on the rollout page', async () => {
    const page = await signedIn('approver');

    await page.goto(`${stack.ingressUrl}/ui/models/${model}/rollout`);
    await page.screenshot({ path: `${shots}/rollout.png`, fullPage: true });

    expect(await page.locator('svg#weights path.series').count()).toBe(2);
    expect(await page.locator('#steps tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^step 1 of 3.*v1 90% · v2 10%/),
      expect.stringMatching(/^step 2 of 3.*v1 50% · v2 50%/),
      expect.stringMatching(/^step 3 of 3.*v1 0% · v2 100%/),
    ]);
    await page.close();
  });

  it('lists the model with its champion, and shows its timeline with one segment per champion period and its history', async () => {
    const page = await signedIn('approver');
    await page.goto(`${stack.ingressUrl}/ui`);
    await page.screenshot({ path: `${shots}/models.png`, fullPage: true });
    const listed = await page.locator('#models tr', { hasText: model }).textContent();

    await page.click(`a:text("${model}")`);
    await page.screenshot({ path: `${shots}/model.png`, fullPage: true });
    const segments = await page
      .locator('svg#timeline line.period')
      .evaluateAll((lines) => lines.map((l) => l.getAttribute('data-version')));
    const history = await page.locator('#history tbody tr').count();
    await page.locator('svg#timeline a').last().click();
    const answer = await page.textContent('#champion-at');

    expect(listed).toContain('v2');
    expect(segments).toEqual(['1', '2']);
    expect(history).toBeGreaterThan(5);
    expect(answer).toMatch(/^v2 was champion at /);
    await page.close();
  });
});
