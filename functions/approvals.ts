/** GET and POST /approvals/{token}: signed approval links (arrives with the approvals issue). */
import { notYetAvailable } from '../lib/http/notYetAvailable';

export const handler = notYetAvailable('Signed approval links');
