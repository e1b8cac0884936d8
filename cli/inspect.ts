/**
 * `baton inspect`: debug an integration offline. Reads a raw body from FILE, judges it with the
 * ingress's own code (lib/app/ingress), and prints one JSON object:
 * `{"signature": "valid"|"invalid"|"absent", "event": …|null, "error": "…"|null}`.
 * The alert sources print `events` (a list: one alert payload holds several alerts) instead of
 * `event`. For `cloudwatch` and `sns`, FILE is the SQS message body the alarm function receives
 * (the alarm message itself with raw delivery, or SNS's envelope); `signature` is `valid` for an
 * envelope from an `--allow-topic`, `invalid` for another topic, `absent` without an envelope.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { judgeAlarmMessage } from '../lib/app/ingress/alarmIngress';
import { alertRoutes, judgeAlertRequest } from '../lib/app/ingress/alertIngress';
import { judgeRegistryRequest, type RegistrySource } from '../lib/app/ingress/registryIngress';
import { judgeSlackRequest } from '../lib/app/ingress/slackIngress';
import { act, command, runCommand } from './program';

const sources = ['mlflow', 'databricks', 'slack', 'cloudwatch', 'sns', ...alertRoutes] as const;
type Source = (typeof sources)[number];
const isAlertRoute = (source: Source): source is (typeof alertRoutes)[number] =>
  (alertRoutes as readonly string[]).includes(source);

interface Judged {
  signature: string;
  event?: unknown;
  events?: unknown[];
  ignored?: string | null;
  /** `"<status> <code>: <detail>"` for an HTTP route; `"<code>: <detail>"` for a dropped alarm. */
  error: string | null;
}

type Request = { headers: Record<string, string>; body: Buffer };
type Options = { secrets: string[]; tokens: string[]; allowTopics: string[]; now: Date };

function judge(source: Source, request: Request, options: Options): Judged {
  if (source === 'cloudwatch' || source === 'sns') {
    const verdict = judgeAlarmMessage(request.body.toString('utf8'), {
      allowedTopics: options.allowTopics,
      now: options.now,
    });
    const error = verdict.dropped && `${verdict.dropped.code}: ${verdict.dropped.detail}`;
    return { signature: verdict.signature, events: verdict.event ? [verdict.event] : [], error };
  }
  if (isAlertRoute(source)) {
    const { tokens, now } = options;
    const verdict = judgeAlertRequest(source, request, { tokens, grafanaSecrets: options.secrets, now });
    return { signature: verdict.signature, events: verdict.events, error: httpError(verdict.error) };
  }
  const verdict =
    source === 'slack'
      ? judgeSlackRequest(request, options)
      : judgeRegistryRequest(source satisfies RegistrySource, request, options);
  return { ...verdict, error: httpError(verdict.error) };
}

function httpError(error: { statusCode: number; code: string; detail: string } | null): string | null {
  return error ? `${error.statusCode} ${error.code}: ${error.detail}` : null;
}

export function parseHeaders(values: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon <= 0) throw new Error(`--header must be 'Name: value', got ${JSON.stringify(value)}`);
    headers[value.slice(0, colon).trim().toLowerCase()] = value.slice(colon + 1).trim();
  }
  return headers;
}

type InspectValues = {
  source?: string;
  secret: string[];
  token: string[];
  allowTopic: string[];
  header: string[];
  at?: string;
};

const collect = (value: string, previous: string[]) => [...previous, value];

/** `baton inspect`, as a commander command. */
export function inspectCli(): Command {
  const cmd = command(
    'inspect',
    "usage: baton inspect --source SOURCE FILE [--secret S …] [--token T …] [--allow-topic ARN …] [--header 'Name: value' …] [--at UNIX-SECONDS]",
  )
    .summary('judge a recorded request exactly as the ingress would; prints JSON')
    .description(
      `Judge a recorded request body exactly as the ingress would, and print one JSON object: {"signature": "valid"|"invalid"|"absent", "event", "error"} (the alert sources print "events", one per alert). Exit 0 if the ingress would accept it, 2 otherwise.
For alertmanager and grafana, --token is a configured bearer token (send it with --header 'Authorization: Bearer …'); for grafana --secret is the HMAC secret, which then requires X-Grafana-Alerting-Signature. For cloudwatch, FILE is the alarm message itself (raw delivery); for sns, SNS's envelope, accepted only from an --allow-topic.`,
    )
    .argument('<file>', 'the raw request body')
    .option('--source <source>', `who sent it (required): ${sources.join(', ')}`)
    .option('--secret <secret>', 'a signing secret the ingress is configured with (repeatable)', collect, [])
    .option('--token <token>', 'a bearer token of alertmanager or grafana (repeatable)', collect, [])
    .option('--allow-topic <arn>', 'an SNS topic the alarm queue accepts (repeatable)', collect, [])
    .option('--header <header>', "a request header, 'Name: value' (repeatable)", collect, [])
    .option('--at <unix-seconds>', 'judge as at this time (default now), for a recorded timestamp')
    .option('--json', 'the output is always JSON; accepted for symmetry with the other commands')
    // Checked below, to keep the message this command has always given.
    .allowExcessArguments();
  return act(cmd, async (file: string, values: InspectValues) => {
    const source = values.source as Source;
    if (!sources.includes(source)) throw new Error(`--source must be one of ${sources.join(', ')}`);
    if (cmd.args.length !== 1) throw new Error('give exactly one FILE with the raw request body');
    if (values.at !== undefined && !/^\d+$/.test(values.at)) throw new Error('--at must be Unix seconds');
    // The content type each sender uses, unless a --header says otherwise.
    const contentType = source === 'slack' ? 'application/x-www-form-urlencoded' : 'application/json';
    const headers = { 'content-type': contentType, ...parseHeaders(values.header) };
    const now = values.at === undefined ? new Date() : new Date(Number(values.at) * 1000);
    const request = { headers, body: readFileSync(file) };
    const options = { secrets: values.secret, tokens: values.token, allowTopics: values.allowTopic, now };
    const verdict = judge(source, request, options);
    const output = {
      signature: verdict.signature,
      ...(verdict.events ? { events: verdict.events } : { event: verdict.event }),
      ...(verdict.ignored && { ignored: verdict.ignored }),
      error: verdict.error,
    };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return verdict.error ? 2 : 0;
  });
}

/** Runs `baton inspect …args` (the arguments after `inspect`). */
export function inspectCommand(args: string[]): Promise<number> {
  return runCommand(inspectCli(), args);
}
