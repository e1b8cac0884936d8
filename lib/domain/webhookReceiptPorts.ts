/**
 * Databricks deliveries Baton has received, remembered by the hash of their signed body for a day.
 * Databricks signs no delivery id and no timestamp header, so a captured delivery could otherwise
 * be replayed for as long as its secret lives; the receipt refuses the copy without refusing the
 * sender's own retry of a delivery that was never queued.
 *
 * @example
 *   const earlier = await receipts.receive(key, now);   // null: queue it, then receipts.markQueued(key, now)
 */

/** Marks a delivery in two steps, so only a delivery that reached the queue makes its copies replays. */
export interface WebhookReceipts {
  /**
   * Notes the delivery's arrival. Returns when it was queued if an earlier copy reached the
   * queue (a replay, or a retry whose answer was lost); null when it is new, or an earlier copy
   * arrived but was never queued (an honest retry, to be queued now).
   */
  receive(key: string, now: Date): Promise<{ queuedAt: string } | null>;
  /** Notes that the delivery is on the queue: copies received after this are not queued again. */
  markQueued(key: string, now: Date): Promise<void>;
}
