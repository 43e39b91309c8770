#!/usr/bin/env node
// `quickscale` / `npx quickscale`: runs src/cli/main.ts through tsx (ADR 0070), so a fresh clone needs
// only `npm install` — no build step, no compiled copy of the CLI to drift from the source.
import { registerNodeHooks } from './node-hooks.mjs'

registerNodeHooks()
const { runCli } = await import('../src/cli/main.ts')
process.exitCode = await runCli(process.argv)
