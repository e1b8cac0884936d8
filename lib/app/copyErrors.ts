/**
 * Why a verified copy between environments did not finish. An incomplete copy is retried (SQS
 * redelivers the event, the stored intent applies the copy again and it resumes after the files
 * done); an unknown environment is a configuration error that no retry fixes.
 *
 * @example
 *   throw new CopyIncompleteError('staging.models.fraud', '7', 12, 40);
 */
import { PromotionError } from './errors';

/** The time budget of this invocation ran out: the files done are recorded, the rest follow. */
export class CopyIncompleteError extends PromotionError {
  constructor(model: string, version: string, done: number, total: number) {
    super(`${model} v${version}: copied ${done} of ${total} artefact files in this invocation; will resume`);
    this.name = 'CopyIncompleteError';
  }
}

/** The policy names a registry the stage's REGISTRIES setting does not configure. */
export class UnknownEnvironmentError extends PromotionError {
  constructor(name: string, known: readonly string[]) {
    super(`no registry named "${name}" in this stage's REGISTRIES (known: ${known.join(', ') || 'none'})`);
    this.name = 'UnknownEnvironmentError';
  }
}
