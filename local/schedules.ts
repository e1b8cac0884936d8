/**
 * The template's EventBridge schedules on one machine: each enabled `rate(n minutes|hours)` rule
 * invokes its function on a timer with a Scheduled Event, one invocation at a time.
 *
 * @example
 *   const timers = startSchedules({ template, aws, invoker, log }); // the tick, every minute
 *   for (const timer of timers) clearInterval(timer);
 */
import { randomUUID } from 'node:crypto';
import type { Invoker } from './functionProcess';
import type { AwsTarget } from './resources';
import { type CfnTemplate, functionIdOf } from './template';

/**
 * Starts a timer per enabled rate schedule; returns them for `clearInterval`.
 *
 * @example
 *   startSchedules({ template, aws, invoker, log, scheduleSeconds: 2 }); // tick every 2 s in tests
 */
export function startSchedules(options: {
  template: CfnTemplate;
  aws: AwsTarget;
  invoker: (functionId: string) => Invoker;
  /** Overrides every schedule's rate (seconds), e.g. to tick faster in tests. */
  scheduleSeconds?: number;
  log: (line: string) => void;
}): NodeJS.Timeout[] {
  const { aws, invoker, log } = options;
  const timers: NodeJS.Timeout[] = [];
  for (const resource of Object.values(options.template.Resources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const properties = resource.Properties as Record<string, unknown>;
    const expression = String(properties.ScheduleExpression ?? '');
    const rate = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
    const target = (properties.Targets as Array<{ Arn: unknown }>)[0];
    if (!rate || !target || properties.State === 'DISABLED') continue;
    const seconds = options.scheduleSeconds ?? Number(rate[1]) * (rate[2]!.startsWith('hour') ? 3600 : 60);
    const fn = invoker(functionIdOf(target.Arn)!);
    // One tick at a time: locally every invocation shares one sandbox, so overlapping ticks
    // would only queue up behind each other and time out together.
    let running = false;
    timers.push(
      setInterval(() => {
        if (running) return;
        running = true;
        fn.invoke(scheduledEvent(aws))
          .catch((error: Error) => log(`[schedule] ${error.message}`))
          .finally(() => {
            running = false;
          });
      }, seconds * 1000),
    );
  }
  return timers;
}

function scheduledEvent(aws: AwsTarget) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: aws.accountId,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: aws.region,
    resources: [],
    detail: {},
  };
}
