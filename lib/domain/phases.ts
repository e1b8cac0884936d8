/**
 * The lifecycle phases of a model version, as Baton records them (DESIGN.md, "The model
 * lifecycle"). A closed set: one object plus its union type.
 */
export const Phase = {
  /** Seen, not yet validated (e.g. still PENDING_REGISTRATION in the registry). */
  Registered: 'registered',
  /** At least one check failed; tag validation_status=FAILED. */
  FailedValidation: 'failed_validation',
  /** Every check passed; tag validation_status=PASSED and alias challenger. */
  Validated: 'validated',
  /** Waiting for the approvers the policy names. */
  AwaitingApproval: 'awaiting_approval',
  /** An approver said no. */
  Rejected: 'rejected',
  /** Nobody decided before the policy's expiry. */
  Expired: 'expired',
  /** Approved: the intent (new champion, previous champion) is recorded and the aliases are moving. */
  Promoting: 'promoting',
  /** Taking a growing share of traffic in canary steps. */
  RollingOut: 'rolling_out',
  /** A rollout stopped: traffic back on the champion. */
  Aborted: 'aborted',
  /** Holds the champion alias. */
  Promoted: 'promoted',
  /** Was champion; now holds the archive alias, the rollback target. */
  Archived: 'archived',
  /** Was champion; demoted by a rollback. */
  RolledBack: 'rolled_back',
  /** A newer version of the same model was validated while this one waited. */
  Superseded: 'superseded',
  /** No policy matches the model: recorded and left alone. */
  Unmanaged: 'unmanaged',
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/** The values of the validation_status tag. */
export const ValidationStatus = { Pending: 'PENDING', Passed: 'PASSED', Failed: 'FAILED' } as const;
export type ValidationStatus = (typeof ValidationStatus)[keyof typeof ValidationStatus];
