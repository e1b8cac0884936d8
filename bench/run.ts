/**
 * `npm run bench`: Baton's performance figures on the local stack, printed as a table and
 * written to bench/results/latest.json (a flat object of named numbers).
 *
 *   npm run bench -- --quick          about a minute: fewer iterations and versions
 *   npm run bench                     stable medians (a few minutes)
 *   npm run bench -- --only=ingress   some phases only (bundles, ingress, registry, burst, alerts, ui)
 *
 * Settings are in bench/options.ts; what each figure means is in the README's "Benchmarks".
 * The bundles are measured first, on a quiet machine; then a local stack of its own (state in
 * .baton/bench, free ports) serves the other phases and is stopped at the end, also on failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchAlertToRollback } from './alertToRollback';
import { benchAnalysisCheck } from './analysisCheck';
import { type BenchStack, startBenchStack } from './benchStack';
import { benchBundles } from './bundles';
import { benchBurst } from './burst';
import { benchDashboard, dashboardEntries, dashboardVersions } from './dashboard';
import { benchIngress } from './ingress';
import { benchOptions } from './options';
import { benchPollIntake } from './pollIntake';
import { benchPromotionCost } from './promotionCost';
import { benchRegisterToChallenger } from './registerToChallenger';
import { missedTargets, since, table } from './stats';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const resultsFile = join(import.meta.dirname, 'results', 'latest.json');
const log = (line: string) => console.log(line);

async function main(): Promise<number> {
  const options = benchOptions(process.argv.slice(2), process.env);
  const started = performance.now();
  const figures: Record<string, number> = {};
  const phase = async (name: string, work: () => Promise<Record<string, number>>) => {
    const at = performance.now();
    log(`${name}…`);
    Object.assign(figures, await work());
    log(`  done in ${(since(at) / 1000).toFixed(1)} s`);
  };
  log(`Baton benchmarks (${options.quick ? 'quick' : 'full'}): ${[...options.only].join(', ')}`);

  if (options.only.has('bundles')) {
    await phase('bundles and cold imports', async () => benchBundles({ runs: options.importRuns, log }));
  }
  const needsStack = ['ingress', 'registry', 'burst', 'alerts', 'analysis', 'ui', 'poll'].some((p) =>
    options.only.has(p as never),
  );
  let bench: BenchStack | undefined;
  const stop = async () => {
    const running = bench;
    bench = undefined;
    await running?.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`\n${signal}: stopping the bench stack…`);
      void stop().finally(() => process.exit(130));
    });
  }
  try {
    if (needsStack) {
      const at = performance.now();
      log('starting the local stack (.baton/bench)…');
      bench = await startBenchStack(log);
      log(`  ready in ${(since(at) / 1000).toFixed(1)} s; functions log to ${bench.functionsLog}`);
    }
    const { stack, side } = bench ?? ({} as BenchStack);
    if (options.only.has('ingress')) {
      await phase(`ingress: ${options.reps} webhook events in process, interleaved with the floor`, () =>
        benchIngress({
          aws: side.aws,
          queueUrl: side.queueUrl,
          secret: stack.secrets.mlflowWebhookSecret,
          reps: options.reps,
          warmup: options.warmup,
        }),
      );
    }
    if (options.only.has('registry')) {
      await phase(`register → challenger: ${options.versions} versions, one at a time`, () =>
        benchRegisterToChallenger({
          mlflowUrl: stack.mlflowUrl,
          side,
          versions: options.versions,
          floorReps: options.floorReps,
          log,
        }),
      );
      await phase('one promotion (validate, approve, champion) in process: DynamoDB writes counted', () =>
        benchPromotionCost({ mlflowUrl: stack.mlflowUrl, side }),
      );
    }
    if (options.only.has('burst')) {
      await phase(`burst: ${options.burstVersions} versions across ${options.burstModels} models`, () =>
        benchBurst({
          mlflowUrl: stack.mlflowUrl,
          versions: options.burstVersions,
          models: options.burstModels,
          timeoutMs: options.burstTimeoutMs,
          log,
        }),
      );
    }
    if (options.only.has('alerts')) {
      await phase(`alert → rollback: ${options.alertSamples} CloudWatch alarms on the alerts topic`, () =>
        benchAlertToRollback({ stack, samples: options.alertSamples, log }),
      );
    }
    if (options.only.has('analysis')) {
      await phase('canary analysis: GetMetricData for both variants + verdict, per step check', () =>
        benchAnalysisCheck({ aws: side.aws, samples: options.quick ? 20 : 60, log }),
      );
    }
    if (options.only.has('ui')) {
      await phase(
        `dashboard: a model page of ${dashboardVersions} versions and ${dashboardEntries} entries, ${options.uiSamples} renders`,
        () => benchDashboard({ side, samples: options.uiSamples, log }),
      );
    }
    if (options.only.has('poll')) {
      await phase(
        'intake without webhooks: the poll schedule over a day of 10,000 models, then poll → verdict',
        () => benchPollIntake({ mlflowUrl: stack.mlflowUrl, side, samples: options.quick ? 5 : 15, log }),
      );
    }
  } finally {
    await stop();
  }

  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(figures, null, 2)}\n`);
  log(`\n${table(figures)}\n`);
  const missed = missedTargets(figures);
  log(`${missed.length ? `targets missed: ${missed.join(', ')}` : 'every target met'}`);
  log(`written to bench/results/latest.json in ${(since(started) / 1000).toFixed(1)} s`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`bench failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
