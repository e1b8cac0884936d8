/**
 * The dead-letter queues port: what `baton dlq list` reads and `baton dlq redrive` moves. A message
 * in a DLQ is work Baton gave up on after every retry; this port finds the DLQs (each with the queue
 * that feeds it), shows their messages without consuming them, and sends them back to that queue.
 *
 * @example
 *   const [promotion] = await deadLetters.queues();
 *   await deadLetters.redrive(promotion, { max: 10 }); // { method: 'move', moved: 3, … }
 */

export interface DeadLetterQueue {
  name: string;
  url: string;
  arn: string;
  fifo: boolean;
  /** Messages waiting (visible), and those being looked at or moved right now (in flight). */
  depth: number;
  inFlight: number;
  /** The queue whose redrive policy names this DLQ (where redrive sends messages); null: none does. */
  source: { name: string; url: string; arn: string; maxReceiveCount: number } | null;
}

export interface DeadLetterMessage {
  messageId: string;
  body: string;
  /** How often SQS handed the message out before this look, its source queue's receives included. */
  receiveCount: number;
  /** When it was first received (ISO 8601), from its source queue; null when SQS does not say. */
  firstReceivedAt: string | null;
  sentAt: string | null;
  /** FIFO only: the message group (the registered model, for the promotion queue). */
  groupId?: string;
}

export interface RedriveResult {
  /** `move-task`: SQS's own redrive (StartMessageMoveTask) runs in the background; `move`: moved here. */
  method: 'move-task' | 'move';
  /** Messages sent back and deleted from the DLQ (for a move task: how many it will move). */
  moved: number;
  /** The move task's handle, to follow it with ListMessageMoveTasks. */
  taskHandle?: string;
  /** The error that stopped a bounded move early; what was not moved stays in the DLQ. */
  stoppedBy?: string;
  /** Why SQS's move task was not used (then the messages were moved here instead). */
  moveTaskRefused?: string;
}

export interface DeadLetterQueues {
  /** Every DLQ of the deployment, with its depth and its source queue. */
  queues(): Promise<DeadLetterQueue[]>;
  /** Up to `limit` messages, made visible again at once (nothing is consumed). */
  peek(queue: DeadLetterQueue, limit: number): Promise<DeadLetterMessage[]>;
  /** Sends messages back to the source queue: all of them, or at most `max` (a bounded move). */
  redrive(queue: DeadLetterQueue, options: { max?: number }): Promise<RedriveResult>;
}
