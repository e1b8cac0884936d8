/**
 * Applied by the schema-keys bundling plugin (scripts/sdkSchemaKeys.cjs) to each SDK schema file:
 * drops the error-class registrations of the SDK clients whose errors Baton reads by name only.
 *
 * Why: a client's `schemas_0.js` registers every error of its service, class and schema, in a
 * top-level registry (`n0_registry.registerError(ParameterNotFound$, ParameterNotFound)`). Those
 * calls are side effects, so esbuild keeps every error class of the service in every bundle that
 * sends one command. SSM declares 141 of them: 52 KB of minified code in eight of the nine
 * functions, which only ever send GetParameter. An error the registry does not know is thrown as
 * the service's base exception with the same `name` (the error code), `$fault`, `$metadata` and
 * `message` (@aws-sdk/core ProtocolLib `getErrorSchemaOrThrowBaseException`), and that is all
 * Baton reads of an SSM error (lib/adapters/aws/awsErrors.ts: `ParameterNotFound` by name).
 * Only the services listed here are pruned: DynamoDB's `TransactionCanceledException` carries
 * `CancellationReasons`, which only its registered schema deserializes, so it is left as it is.
 *
 * @example
 *   withoutErrorRegistrations('/…/@aws-sdk/client-ssm/dist-es/schemas/schemas_0.js', source);
 */

/** The clients whose errors Baton reads by name only (never by class or by an error's own fields). */
const prunedClients = /[\\/]@aws-sdk[\\/]client-ssm[\\/]/;
/** One registration of a modelled error, on its own line; the base exception's registry is kept. */
const errorRegistration = /^n0_registry\.registerError\([A-Za-z0-9_$]+, [A-Za-z0-9_$]+\);$/gm;

/** The schema file's source without its modelled-error registrations, for the pruned clients. */
function withoutErrorRegistrations(path, source) {
  return prunedClients.test(path) ? source.replace(errorRegistration, '') : source;
}

module.exports = { withoutErrorRegistrations };
