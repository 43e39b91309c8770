import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { Miniflare, convertV4MiniflareOptions } from 'miniflare'
import { parse } from 'smol-toml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error plain .mjs script (wrangler's [build] runs it)
import { buildSeparateModules, SEPARATE_MODULES } from '../../scripts/separate-modules.mjs'

// The libraries uploaded as modules of their own (ADR 0104) run only in the deployed Worker and under
// `npm run dev`: the workers tests run the sources, which import the packages themselves. So this loads the
// built modules in workerd the way the Worker does — beside a bundle that imports them with `import()`,
// React's renderer fed elements made by the bundle's own React copy — and calls each once.
const WORKER = parse(fs.readFileSync('wrangler.toml', 'utf8')) as { compatibility_date: string; compatibility_flags: string[] }
let dir: string
let mf: Miniflare

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-separate-modules-'))
  const written: string[] = await buildSeparateModules(path.join(dir, 'lazy'))
  expect(written.sort()).toEqual(Object.keys(SEPARATE_MODULES).sort())
  await build({
    stdin: {
      contents: `
        import { createElement } from 'react'
        export default {
          async fetch() {
            const stripe = await import('./lazy/stripe.js')
            const webauthn = await import('./lazy/simplewebauthn-server.js')
            const react = await import('./lazy/react-dom-server.js')
            const options = await webauthn.generateAuthenticationOptions({ rpID: 'localhost', userVerification: 'required' })
            return Response.json({
              stripe: typeof stripe.default.createFetchHttpClient,
              webauthn: Object.keys(webauthn).sort(),
              challenge: options.challenge,
              html: react.renderToStaticMarkup(createElement('p', { className: 'x' }, 'a & b')),
            })
          },
        }`,
      resolveDir: process.cwd(),
    },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    outfile: path.join(dir, 'index.js'),
    external: ['./lazy/*'],
    define: { 'process.env.NODE_ENV': '"development"' },
  })
  const modules = ['index.js', ...Object.keys(SEPARATE_MODULES).map((file) => `lazy/${file}`)]
  mf = new Miniflare(convertV4MiniflareOptions({
    name: 'separate-modules',
    // The web Worker's own runtime settings, so a date or flag change there is tested here too.
    compatibilityDate: WORKER.compatibility_date,
    compatibilityFlags: WORKER.compatibility_flags,
    modulesRoot: '/',
    modules: modules.map((name) => ({ type: 'ESModule', path: name, contents: fs.readFileSync(path.join(dir, name), 'utf8') })),
  }))
}, 60_000)

afterAll(async () => {
  await mf?.dispose()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

describe('the separately uploaded modules', () => {
  it('load in workerd and work: Stripe SDK, SimpleWebAuthn (all its exports), React\'s static renderer across two React copies', async () => {
    const res = await mf.dispatchFetch('http://localhost/')
    const body = (await res.json()) as { stripe: string; webauthn: string[]; challenge: string; html: string }
    expect(res.status).toBe(200)
    expect(body.stripe).toBe('function')
    expect(body.webauthn).toEqual(Object.keys(await import('@simplewebauthn/server')).sort())
    expect(body.challenge).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    // The bundle's React is the development build here (as under `npm run dev`), the module's production.
    expect(body.html).toBe('<p class="x">a &amp; b</p>')
    // A limit, not a timing assertion: workerd compiles three large modules on first use, seconds on a
    // loaded 2-core machine (vitest's default of 5 s was reached once).
  }, 30_000)
})
