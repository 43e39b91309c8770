// Serves the Stripe stand-in over HTTP for `npm run dev` and the browser tests, and delivers its webhooks
// to the app like Stripe does (POST with a Stripe-Signature header; retried a few times if the app is not up).
import http from 'node:http'
import { createStripeStandin } from './standin.mjs'

export const LOCAL_STRIPE_SECRET_KEY = 'sk_test_local_standin'
export const LOCAL_STRIPE_WEBHOOK_SECRET = 'whsec_local_standin'

async function postWebhook(url, payload, signature, log) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload })
      if (res.ok) return
      log(`stripe stand-in: webhook answered ${res.status} (attempt ${attempt})`)
    } catch (err) {
      log(`stripe stand-in: webhook failed: ${err.message} (attempt ${attempt})`)
    }
    await new Promise((r) => setTimeout(r, 200 * attempt))
  }
}

/** Starts the stand-in on 127.0.0.1:port; `webhookUrl` is the app's /billing/webhook. Returns { baseUrl, close }. */
export async function startStripeStandin({ port, webhookUrl, webhookSecret = LOCAL_STRIPE_WEBHOOK_SECRET, log = console.log }) {
  const baseUrl = `http://127.0.0.1:${port}`
  const standin = createStripeStandin({
    baseUrl,
    webhookSecret,
    deliver: (event, payload, signature) => postWebhook(webhookUrl, payload, signature, log),
  })
  const server = http.createServer(async (req, res) => {
    try {
      const chunks = []
      for await (const chunk of req) chunks.push(chunk)
      const body = chunks.length ? Buffer.concat(chunks) : undefined
      const request = new Request(new URL(req.url, baseUrl), { method: req.method, headers: req.headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body })
      const response = await standin.handle(request)
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(Buffer.from(await response.arrayBuffer()))
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(String(err?.message ?? err))
    }
  })
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve) })
  return { baseUrl, standin, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections() }) }
}
