// The traffic of `npm run load` (bench/load.mjs), in a process of its own (forked): the parent serves the
// local database's ws bridge, which must not wait behind the load generator (same reason as
// bench/load-worker.mjs). Each route has a few workers that send one request after another until the
// deadline; a worker finishes the request it has in flight (a duration-bound tool would cut it, and a cut
// write is neither counted nor absent, so the lost-write check could not be exact).
import zlib from 'node:zlib'
import Stripe from 'stripe'
import { makeEvent, makeInvoice, makePrice, makeSubscription } from '../scripts/stripe-standin/objects.mjs'

const REQUEST_TIMEOUT_MS = 30_000

/** A small valid RGB PNG whose pixels come from `seed`, so each upload has its own bytes and SHA-256. */
export function smallPng(seed, size = 24) {
  const raw = Buffer.alloc((size * 3 + 1) * size)
  let x = seed * 2654435761 >>> 0
  for (let row = 0; row < size; row++) {
    raw[row * (size * 3 + 1)] = 0 // filter: none
    for (let i = 1; i <= size * 3; i++) { x = (x * 1103515245 + 12345) >>> 0; raw[row * (size * 3 + 1) + i] = x >>> 24 }
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(zlib.crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8-bit RGB, no interlace
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

/**
 * Signed `invoice.finalized` events for `customer`, built from Stripe's fixture shapes (the stand-in's
 * builders) with a unique event and invoice id each, signed as Stripe signs them (the real SDK's
 * generateTestHeaderString, with the app's webhook secret).
 */
function webhookEvents({ secret, customer, runId }) {
  const stripe = new Stripe('sk_test_load')
  const created = Math.floor(Date.now() / 1000)
  const price = makePrice({ id: `price_load${runId}`, product: `prod_load${runId}`, unitAmount: 1900, currency: 'usd', interval: 'month', created })
  const subscription = makeSubscription({ id: `sub_load${runId}`, customer, price, created })
  let n = 0
  return () => {
    n++
    const invoice = makeInvoice({ id: `in_load${runId}n${n}`, number: `LOAD-${runId}-${n}`, customer, subscription, price, productName: 'Pro', status: 'open', created, baseUrl: 'https://invoice.stripe.com' })
    const payload = JSON.stringify(makeEvent({ id: `evt_load${runId}n${n}`, type: 'invoice.finalized', object: invoice, created }))
    return { payload, signature: stripe.webhooks.generateTestHeaderString({ payload, secret }) }
  }
}

/** The mix: label, workers, and how to build one request. `setup` comes from bench/load.mjs. */
function routes(setup) {
  const origin = new URL(setup.base).origin
  const page = (path, headers = {}) => () => ({ path, init: { headers } })
  const nextEvent = webhookEvents(setup.webhook)
  let uploads = 0
  const list = [
    ...setup.publicPaths.map((path) => ({ label: `GET ${path}`, kind: 'page', workers: 1, request: page(path) })),
    ...setup.cookies.map((cookie, i) => ({ label: `GET /dashboard (user ${i + 1})`, kind: 'page', workers: 1, request: page('/dashboard', { cookie }) })),
    { label: 'GET /api/v1/usage (metered)', kind: 'api', workers: 2, request: page('/api/v1/usage', setup.apiKey) },
    {
      // The uploader's request (public/app.js): the raw bytes, the name in the query.
      label: 'POST /files/upload', kind: 'upload', workers: 1, minIntervalMs: setup.uploadIntervalMs,
      request: () => {
        const body = smallPng(++uploads + setup.seed)
        return { path: `/files/upload?name=load-${setup.runId}-${uploads}.png`, init: { method: 'POST', body,
          headers: { cookie: setup.uploadCookie, origin, 'sec-fetch-site': 'same-origin', 'content-type': 'image/png' } } }
      },
    },
    {
      label: 'POST /billing/webhook', kind: 'webhook', workers: 1,
      request: () => {
        const { payload, signature } = nextEvent()
        return { path: '/billing/webhook', init: { method: 'POST', body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': signature } } }
      },
    },
  ]
  return list
}

async function worker(route, stats, base, deadline) {
  while (Date.now() < deadline) {
    const started = performance.now()
    const { path, init } = route.request()
    try {
      const res = await fetch(new URL(path, base), { ...init, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
      const body = await res.text()
      stats.latencies.push(performance.now() - started)
      stats.status[res.status] = (stats.status[res.status] ?? 0) + 1
      if (res.status >= 200 && res.status < 300) {
        stats.accepted++
        if (route.kind === 'upload') stats.bytes += JSON.parse(body).size
        if (route.kind === 'webhook') { const { outcome } = JSON.parse(body); stats.outcomes[outcome] = (stats.outcomes[outcome] ?? 0) + 1 }
      } else if (res.status >= 500 && stats.samples.length < 3) stats.samples.push(`${res.status} ${path}: ${body.slice(0, 300)}`)
    } catch (err) {
      stats.latencies.push(performance.now() - started)
      stats.errors++
      if (stats.samples.length < 3) stats.samples.push(`${path}: ${err?.message ?? err}`)
    }
    const wait = (route.minIntervalMs ?? 0) - (performance.now() - started)
    if (wait > 0 && Date.now() + wait < deadline) await new Promise((r) => setTimeout(r, wait))
  }
}

const percentile = (sorted, p) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)])

export async function runTraffic(setup) {
  const list = routes(setup)
  const results = list.map((r) => ({ label: r.label, kind: r.kind, latencies: [], status: {}, accepted: 0, errors: 0, bytes: 0, outcomes: {}, samples: [] }))
  const started = performance.now()
  const deadline = Date.now() + setup.durationMs
  await Promise.all(list.flatMap((route, i) => Array.from({ length: route.workers }, () => worker(route, results[i], setup.base, deadline))))
  const seconds = (performance.now() - started) / 1000
  return {
    seconds,
    routes: results.map(({ latencies, ...r }) => {
      const sorted = latencies.sort((a, b) => a - b)
      return { ...r, requests: sorted.length, rps: sorted.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) }
    }),
  }
}

if (process.send) {
  process.once('message', async (setup) => {
    try {
      process.send({ result: await runTraffic(setup) }, () => process.exit(0))
    } catch (err) {
      process.send({ error: String(err?.stack ?? err) }, () => process.exit(1))
    }
  })
}
