/**
 * Structured JSON logs (Powertools). Never pass secrets, signatures or tokens to the logger.
 *
 * @example
 *   logger.info('queued', { model, version });
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'baton' });
