// `npm run smoke:stripe` (issue 18, item 5): Stripe test mode end to end, the way the app calls it — billing's
// own client (src/billing/stripe.ts: fetch HTTP client, retries, timeout) and its lookup-key reader (chunks of
// ten). For a team that adopts the kit, in its CI with a test key: a customer with the app's metadata, a
// checkout session for a synced price, a portal session; then it removes what it created.
// Without a test key it says why it skipped and exits 0; it refuses a live key (exit 1). STRIPE_API_BASE
// points it at the local stand-in (its tests); APP_URL sets the return addresses (default example.com).
import { registerNodeHooks } from '../bin/node-hooks.mjs'

const key = process.env.STRIPE_SECRET_KEY?.trim() ?? ''
if (/^(sk|rk)_live_/.test(key)) {
  console.error('✖ smoke:stripe refuses a live key: it creates and deletes customers and sessions. Use a test key (sk_test_…).')
  process.exit(1)
}
if (!/^(sk|rk)_test_/.test(key)) {
  console.log(`- smoke:stripe skipped: ${key ? 'STRIPE_SECRET_KEY is not a Stripe test key (sk_test_… or rk_test_…)' : 'STRIPE_SECRET_KEY is not set'}; set a test key to exercise Stripe test mode.`)
  process.exit(0)
}

registerNodeHooks()
const { createStripeClient, listPricesByLookupKeys } = await import('../src/billing/index.ts')
const apiBase = process.env.STRIPE_API_BASE?.trim() || undefined
const base = (process.env.APP_URL?.trim() || 'https://example.com').replace(/\/$/, '')
const stripe = await createStripeClient({ secretKey: key, webhookSecret: '', apiBase })
const run = `smoke-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
const cleanup = []
let failed = false
const ok = (line) => console.log(`✔ ${line}`)

console.log(`smoke:stripe against ${apiBase ?? 'api.stripe.com'} (test mode), run ${run}`)
try {
  // The lookup keys `quickscale stripe sync` gives the paid plans, plus keys that match nothing, so the
  // list goes past Stripe's ten-key cap and has to be read in chunks as the app reads it.
  const keys = ['pro', 'business'].flatMap((plan) => [`quickscale_${plan}_month`, `quickscale_${plan}_year`])
  const padded = [...keys, ...Array.from({ length: 8 }, (_, i) => `quickscale_${run}_absent_${i}`)]
  const prices = await listPricesByLookupKeys(stripe, padded)
  ok(`prices by ${padded.length} lookup keys (${Math.ceil(padded.length / 10)} requests): ${prices.map((p) => p.lookup_key).join(', ') || 'none'}`)
  const price = prices.find((p) => p.recurring?.interval === 'month') ?? prices[0]
  if (!price) throw Object.assign(new Error('no synced plan price in this Stripe account'), { fix: 'Run `STRIPE_SECRET_KEY=sk_test_… DATABASE_URL=… npx quickscale stripe setup --env staging` (or `stripe sync`) first.' })

  const userId = `${run}-user`
  const customer = await stripe.customers.create({ email: `${run}@example.com`, name: 'QuickScale smoke test', metadata: { user_id: userId } }, { idempotencyKey: `customer-${userId}` })
  cleanup.push(['customer', customer.id, () => stripe.customers.del(customer.id)])
  const read = await stripe.customers.retrieve(customer.id)
  if (read.deleted || read.metadata?.user_id !== userId) throw new Error(`customer ${customer.id} came back without metadata.user_id`)
  ok(`customer ${customer.id} with metadata.user_id`)

  const session = await stripe.checkout.sessions.create({
    mode: 'subscription', customer: customer.id, line_items: [{ price: price.id, quantity: 1 }], allow_promotion_codes: true, client_reference_id: userId,
    metadata: { user_id: userId, plan_id: price.metadata?.plan_id ?? 'smoke', interval: 'month' }, subscription_data: { metadata: { user_id: userId } },
    success_url: `${base}/billing/success?session_id={CHECKOUT_SESSION_ID}`, cancel_url: `${base}/billing/cancel`,
  })
  cleanup.unshift(['checkout session', session.id, () => stripe.checkout.sessions.expire(session.id)])
  if (!session.url) throw new Error(`checkout session ${session.id} has no URL`)
  ok(`checkout session ${session.id} for ${price.id} (${price.lookup_key})`)

  // As the app opens it (billing/manage.ts openPortal): the Dashboard's default, else the kit's own
  // configuration that `stripe setup` made (tagged metadata.quickscale = portal).
  const configurations = (await stripe.billingPortal.configurations.list({ active: true, limit: 100 })).data
  const configuration = configurations.find((c) => c.is_default) ?? configurations.find((c) => c.metadata?.quickscale === 'portal')
  if (!configuration) {
    throw Object.assign(new Error('no customer-portal configuration in this Stripe account'), { fix: 'Run `npx quickscale stripe setup --env staging` (it creates the kit\'s configuration), or save the portal settings in the Dashboard.' })
  }
  const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: `${base}/billing`, configuration: configuration.id })
  ok(`portal session ${portal.id} (${configuration.is_default ? 'default configuration' : "the kit's configuration"} ${configuration.id})`)
} catch (err) {
  failed = true
  console.error(`✖ ${err?.message ?? err}`)
  if (err?.fix) console.error(`  fix: ${err.fix}`)
} finally {
  for (const [what, id, remove] of cleanup) {
    try {
      await remove()
      ok(`removed ${what} ${id}`)
    } catch (err) {
      failed = true
      console.error(`✖ could not remove ${what} ${id}: ${err?.message ?? err} (delete it in the Dashboard)`)
    }
  }
}
process.exitCode = failed ? 1 : 0
