// `npm run dev`'s Stripe choice: keys in the environment or .dev.vars (sk_test_… and whsec_… from
// `stripe listen`) mean real Stripe test mode; no keys mean the local stand-in on STRIPE_STANDIN_PORT (12111).
import { readDevVars } from '../dev-vars.mjs'
import { LOCAL_STRIPE_SECRET_KEY, LOCAL_STRIPE_WEBHOOK_SECRET, startStripeStandin } from './server.mjs'

export async function stripeDevVars({ appUrl, port = Number(process.env.STRIPE_STANDIN_PORT ?? 12111) }) {
  const file = readDevVars()
  const key = (process.env.STRIPE_SECRET_KEY ?? file.STRIPE_SECRET_KEY ?? '').trim()
  if (key !== '' && key !== LOCAL_STRIPE_SECRET_KEY) {
    // Real keys: never leave a stand-in address from an earlier run in front of them.
    const base = (process.env.STRIPE_API_BASE ?? file.STRIPE_API_BASE ?? '').trim()
    const vars = /127\.0\.0\.1|localhost/.test(base) ? { STRIPE_API_BASE: '' } : {}
    return { standin: null, vars, note: `billing: Stripe ${key.startsWith('sk_live_') ? 'LIVE' : 'test'} mode with your keys (forward webhooks: stripe listen --forward-to 127.0.0.1:8787/billing/webhook)` }
  }
  const standin = await startStripeStandin({ port, webhookUrl: `${appUrl}/billing/webhook`, log: (m) => console.log(`dev: ${m}`) })
  return {
    standin,
    vars: { STRIPE_SECRET_KEY: LOCAL_STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: LOCAL_STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE: standin.baseUrl },
    note: `billing: no Stripe keys — local Stripe stand-in at ${standin.baseUrl} (test card outcomes on its checkout page; docs/billing.md)`,
  }
}
