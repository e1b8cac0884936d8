#!/usr/bin/env node
// The `baton` operator CLI. Runs the TypeScript sources directly (tsx), so the CLI always
// matches the code the functions are built from.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
