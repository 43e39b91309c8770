// Serves the Stripe stand-in over HTTP for `npm run dev` and the browser tests, and delivers its webhooks
// to the app like Stripe does (POST with a Stripe-Signature header; retried a few times if the app is not up).
import { serveOnLoopback } from '../loopback-server.mjs'
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
  const { close } = await serveOnLoopback(port, (request) => standin.handle(request))
  return { baseUrl, standin, close }
}
