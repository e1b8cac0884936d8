/** POST /slack/interactions: Slack approve/reject buttons (arrives with the approvals issue). */
import { notYetAvailable } from '../lib/http/notYetAvailable';

export const handler = notYetAvailable('Slack interactivity');
