/**
 * esbuild plugins for serverless-esbuild (custom.esbuild.plugins in serverless.yml).
 *
 * compiledPolicies: before the functions are bundled, compiles policies/*.yaml into
 * .baton/build/policies.json (scripts/compilePolicies.ts), which the worker's and the tick's
 * package.patterns put into their zips. It runs once per `serverless package` or `deploy`, so a zip
 * never carries stale policies; invalid policies fail the build, and so the package.
 *
 * sdkSchemaKeys (scripts/sdkSchemaKeys.cjs): makes the AWS SDK's schema files tree-shakeable.
 *
 * lambdaCredentials: the SDK's default credential chain is replaced by the environment provider
 * that Lambda's role credentials come from (lib/wiring/lambdaCredentials.ts says why).
 *
 * chunkNames: with `splitting` on, the chunks of functions/worker.ts are named
 * functions/worker.<chunk>-<hash>.mjs. serverless-esbuild builds every function into one folder and
 * zips what is there, leaving out the files of other functions' bundles (`<bundle>.*`): named after
 * their function, each zip carries its own chunks and no other function's.
 */
const { execFile } = require('node:child_process');
const { basename, extname, join } = require('node:path');

const root = join(__dirname, '..');
let compiling;

/** Resolves with undefined once compiled, or with what the compiler printed when it failed. */
function compilePolicies() {
  compiling ??= new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'compilePolicies.ts')],
      { cwd: root },
      (error, stdout, stderr) => done(error ? `${stderr}${stdout}`.trim() || error.message : undefined),
    );
  });
  return compiling;
}

module.exports = [
  {
    name: 'baton-compiled-policies',
    setup(build) {
      build.onStart(async () => {
        const failure = await compilePolicies();
        return failure ? { errors: [{ text: `the policies do not compile:\n${failure}` }] } : undefined;
      });
    },
  },
  // Lets esbuild drop the SDK schemas a function never sends (scripts/sdkSchemaKeys.cjs).
  require('./sdkSchemaKeys.cjs'),
  {
    name: 'baton-chunk-names',
    setup(build) {
      const [entry] = build.initialOptions.entryPoints ?? [];
      if (typeof entry !== 'string') return;
      build.initialOptions.chunkNames = `${basename(entry, extname(entry))}.[name]-[hash]`;
    },
  },
  {
    name: 'baton-lambda-credentials',
    setup(build) {
      const environmentOnly = join(root, 'lib', 'wiring', 'lambdaCredentials.ts');
      build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: environmentOnly }));
    },
  },
];
