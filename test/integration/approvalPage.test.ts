/**
 * The signed approval page in a real headless Chromium: open the link an approver received,
 * click Approve, see the confirmation, and find `champion` moved in MLflow.
 */
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlflowApi } from '../../local/mlflowApi';
import type { LocalStack } from '../../local/stack';
import { launchChromium } from '../support/browser';
import { testStack, uniqueName } from '../support/localStack';
import { notificationProbe } from '../support/notificationProbe';
import { eventually } from '../support/registryWaits';
import { approvalLinkIn, sesOutbox } from '../support/sesOutbox';

let stack: LocalStack;
let browser: Browser;
let probe: Awaited<ReturnType<typeof notificationProbe>>;

beforeAll(async () => {
  stack = await testStack('sa-east-1', { env: { POLICIES_DIR: resolve('test/fixtures/approval-policies') } });
  probe = await notificationProbe(stack);

  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the approval page in a browser', () => {
  it('approves with one click and the version becomes champion in MLflow', async () => {
    const api = mlflowApi(stack.mlflowUrl);
    const model = uniqueName('appr-page');
    await api.ensureRegisteredModel(model);
    const { version } = await api.createModelVersion(
      model,
      await api.createRun('baton-page-tests', { val_auc: 0.9 }),
    );
    await probe.find((n) => n.kind === 'approval.requested' && n.model === model);
    // The link the approver received by e-mail (SES in the emulator).
    const mail = await sesOutbox(stack.motoUrl).find(
      (m) => m.to.includes('approver@example.com') && m.subject.includes(`${model} v${version}`),
    );
    const link = approvalLinkIn(mail.body);
    const page = await browser.newPage();

    await page.goto(link!);
    const heading = await page.textContent('h1');
    await page.click('button.approve');
    const confirmation = await page.textContent('#confirmation');

    expect(heading).toBe(`Approve ${model} v${version}?`);
    expect(confirmation).toContain(`Your approval of ${model} v${version} has been`);
    await eventually(
      async () =>
        (await api.getModelVersion(model, version)).aliases?.includes('champion') ? true : undefined,
      30_000,
      'champion',
    );
  });
});
