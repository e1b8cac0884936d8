/**
 * `baton`: the operator CLI. Each command is a module in cli/ exporting `run(args) → exit code`.
 *
 * @example
 *   npx baton inspect --source mlflow payload.json --secret s3cret --header 'X-MLflow-Signature: v1,…'
 */

import { rollbackCommand, rolloutCommand } from './controls';
import { decisionCommand } from './decisions';
import { championCommand, historyCommand } from './history';
import { inspectCommand } from './inspect';
import { policyCommand } from './policy';
import { statusCommand } from './status';

const usage = `baton — the model-promotion controller's operator CLI

Usage:
  baton inspect --source <mlflow|databricks|slack> FILE [--secret S …] [--header 'Name: value' …] [--at UNIX-SECONDS]
      Judge a recorded request exactly as the ingress would. Prints
      {"signature", "event", "error"}; exit 0 if the ingress would accept it, 2 otherwise.
  baton inspect --source <alertmanager|grafana> FILE [--token T …] [--secret S …] [--header 'Name: value' …] [--at UNIX-SECONDS]
      An alert webhook: --token is a configured bearer token (send it with --header
      'Authorization: Bearer …'); for grafana, --secret is the HMAC secret, which then requires
      X-Grafana-Alerting-Signature. Prints {"signature", "events", "error"}, one event per alert.
  baton inspect --source <cloudwatch|sns> FILE [--allow-topic ARN …]
      A message of the alarm queue: for cloudwatch the alarm message itself (raw delivery), for
      sns SNS's envelope, accepted only from an --allow-topic. Prints {"signature", "events", "error"}.
  baton policy validate [DIR]
      Check every policy file in DIR (default: policies) as the functions load them. Prints each
      problem as 'file: path: message', or 'N policies OK' and the model patterns in the order
      they match; exit 0 when every file is valid, 2 otherwise.
  baton status MODEL
      Every version of MODEL: Baton's phase, validation_status, aliases and failed checks, and the
      most recent event failures. Reads TABLE_NAME and MLFLOW_TRACKING_URI, or the local stack.
  baton approve|reject MODEL VERSION --as WHO [--reason …] [--wait SECONDS | --no-wait] [--json]
      Queue a decision, judged by the same rules as Slack clicks and links, and print Baton's
      answer: 'approved by bob (1 of 2)', 'rejected by bob: …', or 'refused: <reason>'.
  baton rollout pause|resume|abort|promote MODEL --as WHO [--version V] [--reason …] [--wait …] [--json]
      Steer the running canary of MODEL (the same rules as the Slack buttons: resume and promote
      need an approver; pause and abort anyone). promote skips the remaining steps. Prints the
      answer, e.g. 'paused the rollout of fraud v7' or 'refused: fraud has no rollout running'.
  baton rollback MODEL --as WHO [--to VERSION] --reason … [--wait …] [--json]
      Roll the champion back to the archive version (or VERSION, approvers only): traffic first,
      then aliases; refused when the target failed validation or was itself rolled back.
      Prints e.g. 'rolled back fraud to v3' or 'refused: carol is not an approver of fraud, …'.

      These four commands wait for the worker's answer (default 30 s; --wait SECONDS, or
      --no-wait to return once queued) and exit with:
        0  applied (or queued, with --no-wait)
        1  refused: the reason is printed and recorded in \`baton history\`
        2  usage error, or Baton could not be reached (the message says what)
        3  no answer within the wait: the decision is still queued and will be decided
      --json prints {"deliveryId", "outcome": "applied"|"refused"|"queued", "message"}.
  baton history MODEL
      Every decision with its actor and evidence, oldest first, including every refusal
      (decision.refused, control.refused, rollback.refused) with its reason.
  baton champion MODEL [--at ISO-TIME]
      Which version held champion at that time (default now), from the audit trail.
  baton help
`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  inspect: inspectCommand,
  policy: policyCommand,
  status: statusCommand,
  approve: decisionCommand('approve'),
  reject: decisionCommand('reject'),
  history: historyCommand,
  rollout: rolloutCommand,
  rollback: rollbackCommand,
  champion: championCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`baton: unknown command ${name}\n\n${usage}`);
    return 2;
  }
  try {
    return await command(args);
  } catch (error) {
    process.stderr.write(`baton ${name}: ${(error as Error).message}\n`);
    return 2;
  }
}
