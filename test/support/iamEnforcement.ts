/**
 * IAM enforced in the emulator, for the least-privilege test: each function's role from the
 * packaged template, resolved against the local stack, becomes one IAM user with that policy and
 * access keys; then moto's INITIAL_NO_AUTH_ACTION_COUNT is set to 0 (its `/moto-api/reset-auth`),
 * so from then on every request is authenticated and authorised.
 *
 * moto authorises the action of every request, and for SQS the queue's ARN too; for its other
 * services it checks the policy against Resource "*" and cannot evaluate Condition keys. So the
 * policy a user gets is the role's with those resources widened and conditions dropped — actions
 * unchanged — and the recorded calls are evaluated against the role's exact statements by
 * iamSimulation.ts.
 *
 * @example
 *   const roles = roleStatements(stack.template, stack.resources);
 *   const keys = await createRoleUser(iam, 'WorkerRole', roles.get('WorkerRole')!);
 *   await enforceIam(stack.motoUrl);
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  type IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { StackResources } from '../../local/resources';
import type { CfnTemplate } from '../../local/template';

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The template's Conditions (Fn::Equals, Not, And, Or, Condition), evaluated against the stack. */
function conditions(template: CfnTemplate, stack: StackResources): (name: string) => boolean {
  const declared = ((template as { Conditions?: Record<string, unknown> }).Conditions ?? {}) as Record<
    string,
    unknown
  >;
  const evaluate = (value: any): boolean => {
    if ('Condition' in value) return evaluate(declared[value.Condition]);
    if ('Fn::Not' in value) return !evaluate(value['Fn::Not'][0]);
    if ('Fn::And' in value) return value['Fn::And'].every(evaluate);
    if ('Fn::Or' in value) return value['Fn::Or'].some(evaluate);
    const [a, b] = value['Fn::Equals'];
    return stack.resolveString(a) === stack.resolveString(b);
  };
  return (name) => evaluate(declared[name]);
}

/** `value` with each Fn::If replaced by its chosen branch and AWS::NoValue removed, as CloudFormation does. */
function chooseBranches(value: unknown, holds: (name: string) => boolean): unknown {
  const noValue = (v: unknown) => (v as { Ref?: string } | null)?.Ref === 'AWS::NoValue';
  if (Array.isArray(value)) {
    return value.map((v) => chooseBranches(v, holds)).filter((v) => v !== undefined && !noValue(v));
  }
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if ('Fn::If' in object) {
    const [name, then, otherwise] = object['Fn::If'] as [string, unknown, unknown];
    const chosen = chooseBranches(holds(name) ? then : otherwise, holds);
    return noValue(chosen) ? undefined : chosen;
  }
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, chooseBranches(v, holds)]));
}

/** Every IAM role's inline statements, resolved as CloudFormation would, by the role's logical id. */
export function roleStatements(template: CfnTemplate, stack: StackResources): Map<string, Statement[]> {
  const roles = new Map<string, Statement[]>();
  const holds = conditions(template, stack);
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const policies =
      (resource.Properties as { Policies?: Array<{ PolicyDocument: unknown }> }).Policies ?? [];
    const statements = policies.flatMap(
      (p) => (stack.resolve(chooseBranches(p.PolicyDocument, holds)) as { Statement: Statement[] }).Statement,
    );
    roles.set(id, statements);
  }
  return roles;
}

/** The role of each function in the template: `worker` → `WorkerRole`. */
export function functionRoles(template: CfnTemplate): Map<string, string> {
  const roles = new Map<string, string>();
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const { Handler, Role } = resource.Properties as { Handler: string; Role: { 'Fn::GetAtt': [string] } };
    roles.set(Handler.slice(0, Handler.lastIndexOf('.')).split('/').pop()!, Role['Fn::GetAtt'][0]);
  }
  return roles;
}

/**
 * What moto can enforce of `statements`: the same actions, SQS resources as they are, other
 * resources as "*" (moto authorises those services against "*"), no conditions. DynamoDB's
 * TransactWriteItems, which AWS authorises as the item writes it holds, is allowed where those are;
 * and moto names an action by the service's signing name, `monitoring:` for CloudWatch's.
 */
export function motoPolicy(statements: Statement[]) {
  return {
    Version: '2012-10-17',
    Statement: statements.map(({ Condition: _ignored, ...s }) => {
      const actions = [s.Action].flat();
      const writes = actions.some((a) => /^dynamodb:(PutItem|UpdateItem|DeleteItem)$/.test(a));
      const signed = actions.flatMap((a) =>
        a.startsWith('cloudwatch:') ? [a.replace(/^cloudwatch:/, 'monitoring:')] : [],
      );
      return {
        ...s,
        Action: [...actions, ...signed, ...(writes ? ['dynamodb:TransactWriteItems'] : [])],
        Resource: actions.every((a) => a.startsWith('sqs:')) ? s.Resource : '*',
      };
    }),
  };
}

/** An IAM user holding `policy` (inline) and whatever `managed` names; returns its access keys. */
export async function createRoleUser(
  iam: IAMClient,
  name: string,
  policy: object | undefined,
  managed: string[] = [],
): Promise<Keys> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  const document = JSON.stringify(policy);
  if (policy) {
    await iam
      .send(new PutUserPolicyCommand({ UserName: name, PolicyName: name, PolicyDocument: document }))
      .catch((error: Error) => {
        throw new Error(`${name}'s policy ${document}: ${error.message}`, { cause: error });
      });
  }
  for (const arn of managed) await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

/** A user allowed everything: the test's own setup and the stand-ins for AWS's services (pollers). */
export async function createAdmin(iam: IAMClient): Promise<Keys> {
  const { Policy } = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'baton-test-admin',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      }),
    }),
  );
  return createRoleUser(iam, 'baton-test-admin', undefined, [Policy!.Arn!]);
}

/** From now on, moto authenticates and authorises every request (INITIAL_NO_AUTH_ACTION_COUNT = 0). */
export async function enforceIam(motoUrl: string): Promise<void> {
  const response = await fetch(`${motoUrl}/moto-api/reset-auth`, { method: 'POST', body: '0' });
  if (!response.ok) throw new Error(`moto refused reset-auth: ${response.status} ${await response.text()}`);
}
