/**
 * What a signature check concludes about a delivery: valid, absent or invalid (with the reason
 * the sender is told). Shared by the ingress judges and the retrain receiver's verifier, so it
 * lives in the core, which both may import.
 *
 * @example
 *   const verdict: SignatureVerdict = { status: 'invalid', reason: 'X-MLflow-Signature does not match' };
 */
export type SignatureVerdict = { status: 'valid' } | { status: 'absent' | 'invalid'; reason: string };
