/**
 * What the rollout engine asks of monitoring before each canary step: the state of the alarms
 * the policy names. A name the alarm service does not know is reported as `MISSING` (no data).
 */
export const AlarmState = {
  Ok: 'OK',
  Alarm: 'ALARM',
  InsufficientData: 'INSUFFICIENT_DATA',
  /** No alarm of that name exists: treated like INSUFFICIENT_DATA (no evidence of health). */
  Missing: 'MISSING',
} as const;
export type AlarmState = (typeof AlarmState)[keyof typeof AlarmState];

export interface AlarmReader {
  /** The state of each named alarm, in the same order. */
  states(names: string[]): Promise<Array<{ name: string; state: AlarmState; reason?: string }>>;
}
