// Module hook registered by ./register.mjs: src/ TypeScript is compiled here with esbuild (what tsx uses,
// with the tsconfig's JSX settings) and instrumented with the istanbul library vitest's provider uses; the
// esbuild source map travels with the counters so scripts/coverage.mjs can map them back to the .ts lines.
// Everything else (node_modules, scripts, .wasm) goes on down the chain to tsx and the CLI's own hooks.
// (Instrumenting tsx's output instead did not work: the source this hook got from the chain was still
// TypeScript, whichever way round the hooks were registered.)
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'
import { createInstrumenter } from '@vitest/istanbul-lib-instrument'

const SRC = new URL('../../../src/', import.meta.url).href

const instrumenter = createInstrumenter({
  esModules: true,
  compact: false,
  produceSourceMap: false,
  autoWrap: false,
  coverageVariable: '__qs_cli_coverage__',
  coverageGlobalScope: 'globalThis',
  coverageGlobalScopeFunc: false,
})

export async function load(url, context, nextLoad) {
  const match = url.startsWith(SRC) ? /\.(tsx?)$/.exec(new URL(url).pathname) : null
  if (!match) return nextLoad(url, context)
  const file = fileURLToPath(url)
  const { code, map } = await transform(fs.readFileSync(file, 'utf8'), {
    loader: match[1],
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    sourcemap: 'external',
    sourcefile: file,
  })
  const sourceMap = JSON.parse(map)
  sourceMap.sources = [file]
  return { format: 'module', shortCircuit: true, source: instrumenter.instrumentSync(code, file, sourceMap) }
}
