import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SendMessageCommandInput,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SqsDeadLetters } from '../../lib/adapters/queue/sqsDeadLetters';
import { summarizeDeadLetter } from '../../lib/app/deadLetterSummary';
import type { DeadLetterQueue } from '../../lib/domain/deadLetterPorts';

const promotionEvent = JSON.stringify({
  type: 'registry',
  kind: 'model_version.created',
  source: 'mlflow',
  model: 'fraud',
  version: '3',
  deliveryId: 'd-1',
});
const snsEnvelope = (message: unknown) =>
  JSON.stringify({ Type: 'Notification', Message: JSON.stringify(message), TopicArn: 'arn:aws:sns:x' });

describe('summarizeDeadLetter', () => {
  it.each([
    [
      'a promotion event',
      promotionEvent,
      { model: 'fraud', version: '3', eventType: 'model_version.created' },
    ],
    [
      'a decision',
      JSON.stringify({ type: 'decision', decision: 'approve', model: 'fraud', version: '3' }),
      { model: 'fraud', version: '3', eventType: 'decision.approve' },
    ],
    [
      'due work',
      JSON.stringify({ type: 'due', model: 'fraud', version: '3', dueAt: 1 }),
      { model: 'fraud', version: '3', eventType: 'due' },
    ],
    [
      'an SNS notification',
      snsEnvelope({ kind: 'validation.passed', model: 'fraud', version: '3' }),
      { model: 'fraud', version: '3', eventType: 'validation.passed' },
    ],
    [
      'an SNS CloudWatch alarm',
      snsEnvelope({ AlarmName: 'fraud-prod-5xx', NewStateValue: 'ALARM' }),
      { model: null, version: null, eventType: 'alarm fraud-prod-5xx ALARM' },
    ],
    ['a body that is not JSON', 'not json', { model: null, version: null, eventType: null }],
  ])('names what %s is about', (_, body, expected) => {
    expect(summarizeDeadLetter(body)).toEqual(expected);
  });
});

/** An in-memory SQS with one FIFO DLQ holding `bodies`, recording every send and delete. */
function fakeSqs(bodies: string[], options: { moveTask: boolean; failSendAt?: number }) {
  const waiting = bodies.map((body, i) => ({
    MessageId: `m-${i}`,
    ReceiptHandle: `r-${i}`,
    Body: body,
    Attributes: {
      MessageGroupId: 'fraud',
      MessageDeduplicationId: `orig-${i}`,
      ApproximateReceiveCount: '9',
    },
  }));
  const sent: SendMessageCommandInput[] = [];
  const deleted: string[] = [];
  const released: string[] = [];
  const send = async (command: unknown) => {
    if (command instanceof StartMessageMoveTaskCommand) {
      if (!options.moveTask) throw Object.assign(new Error('<!doctype html>'), { name: 'SyntaxError' });
      return { TaskHandle: 'task-1' };
    }
    if (command instanceof ReceiveMessageCommand) {
      return { Messages: waiting.splice(0, command.input.MaxNumberOfMessages ?? 1) };
    }
    if (command instanceof SendMessageCommand) {
      if (sent.length === options.failSendAt)
        throw Object.assign(new Error('throttled'), { name: 'Throttling' });
      sent.push(command.input);
      return {};
    }
    if (command instanceof DeleteMessageCommand) {
      deleted.push(command.input.ReceiptHandle!);
      return {};
    }
    if (command instanceof ChangeMessageVisibilityBatchCommand) {
      released.push(...(command.input.Entries ?? []).map((e) => e.ReceiptHandle!));
      return {};
    }
    throw new Error(`unexpected ${(command as object).constructor.name}`);
  };
  return { sqs: { send } as never, sent, deleted, released };
}

const dlq: DeadLetterQueue = {
  name: 'baton-prod-promotion-dlq.fifo',
  url: 'https://sqs/dlq',
  arn: 'arn:aws:sqs:eu-west-1:1:baton-prod-promotion-dlq.fifo',
  fifo: true,
  depth: 3,
  inFlight: 0,
  source: { name: 'baton-prod-promotion.fifo', url: 'https://sqs/src', arn: 'arn:src', maxReceiveCount: 8 },
};
let ids = 0;
const newId = () => `id-${++ids}`;

describe('SqsDeadLetters.redrive', () => {
  it('starts SQS’s own move task when every message is to go back and SQS offers it', async () => {
    const fake = fakeSqs([promotionEvent], { moveTask: true });

    const result = await new SqsDeadLetters(fake.sqs, 'baton-prod-', newId).redrive(dlq, {});

    expect(result).toEqual({ method: 'move-task', moved: 3, taskHandle: 'task-1' });
    expect(fake.sent).toEqual([]);
  });

  it('moves the messages itself where there is no move task, keeping the group with a fresh deduplication id', async () => {
    const fake = fakeSqs([promotionEvent, promotionEvent], { moveTask: false });

    const result = await new SqsDeadLetters(fake.sqs, 'baton-prod-', newId).redrive(dlq, {});

    expect(result).toMatchObject({
      method: 'move',
      moved: 2,
      moveTaskRefused: 'SyntaxError: <!doctype html>',
    });
    expect(fake.sent.map((s) => [s.QueueUrl, s.MessageGroupId, s.MessageBody])).toEqual([
      ['https://sqs/src', 'fraud', promotionEvent],
      ['https://sqs/src', 'fraud', promotionEvent],
    ]);
    expect(fake.sent.map((s) => s.MessageDeduplicationId)).toEqual([
      expect.stringMatching(/^redrive-id-/),
      expect.stringMatching(/^redrive-id-/),
    ]);
    expect(new Set(fake.sent.map((s) => s.MessageDeduplicationId)).size).toBe(2);
    expect(fake.deleted).toEqual(['r-0', 'r-1']);
  });

  it('moves at most --max messages', async () => {
    const fake = fakeSqs([promotionEvent, promotionEvent, promotionEvent], { moveTask: true });

    const result = await new SqsDeadLetters(fake.sqs, 'baton-prod-', newId).redrive(dlq, { max: 1 });

    expect(result).toEqual({ method: 'move', moved: 1 });
    expect(fake.deleted).toEqual(['r-0']);
  });

  it('deletes nothing it could not send, and makes the unsent messages visible again', async () => {
    const fake = fakeSqs([promotionEvent, promotionEvent], { moveTask: false, failSendAt: 1 });

    const result = await new SqsDeadLetters(fake.sqs, 'baton-prod-', newId).redrive(dlq, { max: 2 });

    expect(result).toEqual({ method: 'move', moved: 1, stoppedBy: 'Throttling: throttled' });
    expect(fake.deleted).toEqual(['r-0']);
    expect(fake.released).toEqual(['r-1']);
  });

  it('refuses a DLQ that no queue feeds, naming why', async () => {
    const fake = fakeSqs([], { moveTask: true });

    await expect(
      new SqsDeadLetters(fake.sqs, 'baton-prod-', newId).redrive({ ...dlq, source: null }, {}),
    ).rejects.toThrow(
      'baton-prod-promotion-dlq.fifo is the DLQ of an SNS subscription, not of a queue: no queue to send its messages back to',
    );
  });
});
