/** POST /alerts/alertmanager and /alerts/grafana (arrives with the monitoring-alerts issue). */
import { notYetAvailable } from '../lib/http/notYetAvailable';

export const handler = notYetAvailable('Alertmanager and Grafana alerting');
