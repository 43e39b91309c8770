import { Hono } from 'hono'
import { desc, eq } from 'drizzle-orm'
import type { AppContext, AppEnv } from '../platform/types'
import { renderError } from '../platform/errors'
import { formBodyLimit, rawBodyLimit, readForm } from '../platform/forms'
import { isHtmxRequest } from '../platform/htmx'
import { readsOnly } from '../platform/speculation'
import { requireUser, requireVerified } from '../auth'
import type Stripe from 'stripe'
import { createCryptoProvider, createStripeClient, isStripeUnavailable, readStripeConfig } from './stripe'
import { BillingInputError, confirmCheckout, openPortal, queueMails, setCancelAtPeriodEnd, startCheckout } from './manage'
import { allowStripeRedirects, BILLING_FORM_BYTES, billingThrottle, checkoutForm, manageDeps, registryOf, requireStripe, runBillingAction, testModeLabel, WEBHOOK_MAX_BYTES } from './route-kit'
import { changeRoutes } from './change-routes'
import { getAccountPlan, getLiveSubscription, getPlan, listPlansForDisplay } from './plans'
import { findCustomerId } from './records'
import { invoices } from './schema'
import { processStripeEvent } from './webhook'
import { PlanAnnouncementError } from './apply'
import { listLiveSubscriptions } from './duplicates'
import { BillingPage, CheckoutResultPage, INVOICE_PAGE_SIZE, InvoiceHistory } from './views/billing'
import { PricingPage } from './views/pricing'

async function loadInvoicePage(c: AppContext, userId: string, page: number) {
  const rows = await c.get('db').select().from(invoices).where(eq(invoices.userId, userId))
    .orderBy(desc(invoices.stripeCreatedAt), desc(invoices.id)).limit(INVOICE_PAGE_SIZE + 1).offset((page - 1) * INVOICE_PAGE_SIZE)
  return { invoices: rows.slice(0, INVOICE_PAGE_SIZE), hasMore: rows.length > INVOICE_PAGE_SIZE }
}

const pageParam = (c: AppContext) => {
  const n = Number(c.req.query('page') ?? '1')
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1
}

export const billingRoutes = new Hono<AppEnv>()
  .get('/pricing', allowStripeRedirects, async (c) => {
    const db = c.get('db')
    const user = c.get('user')
    const interval = c.req.query('interval') === 'year' ? 'year' : 'month'
    const [plans, current, sub] = await Promise.all([
      listPlansForDisplay(db, c.env.DATABASE_URL, Date.now()),
      user ? getAccountPlan(db, user.id, new Date()) : Promise.resolve(null),
      user ? getLiveSubscription(db, user.id) : Promise.resolve(null),
    ])
    const currentMonthlyPrice = plans.find((p) => p.id === current?.planId)?.monthlyPrice ?? 0
    return c.render(
      <PricingPage plans={plans} interval={interval} testMode={testModeLabel(readStripeConfig(c.env))}
        state={{ current, currentInterval: sub?.interval ?? null, cancelAtPeriodEnd: sub?.cancelAtPeriodEnd ?? false, currentMonthlyPrice }} />,
      { title: 'Pricing', description: 'Plans and prices' },
    )
  })

  // Bytes, counted while the body streams in: 413 from the declared length, or as soon as a body without
  // one passes the limit (checklist: request size limits), before anything is parsed or verified.
  .post('/billing/webhook', rawBodyLimit(WEBHOOK_MAX_BYTES), async (c) => {
    const config = readStripeConfig(c.env)
    if (!config) return c.json({ error: 'billing is not configured' }, 503)
    const signature = c.req.header('stripe-signature')
    const payload = await c.req.text()
    const stripe = await createStripeClient(config)
    let event: Stripe.Event
    try {
      if (!signature) throw new Error('missing Stripe-Signature header')
      // Verified against the raw body: re-serialised JSON would not match the signature.
      event = await stripe.webhooks.constructEventAsync(payload, signature, config.webhookSecret, undefined, await createCryptoProvider())
    } catch (err) {
      c.get('log').warn('billing: stripe webhook rejected', { error: err })
      return c.json({ error: 'invalid signature' }, 400)
    }
    const deps = { db: c.get('db'), env: c.env, registry: registryOf(c), now: new Date(), stripe }
    try {
      const { outcome, mails } = await processStripeEvent(deps, event)
      await queueMails(deps, mails)
      return c.json({ received: true, outcome })
    } catch (err) {
      if (!(err instanceof PlanAnnouncementError)) throw err
      // The change is committed (its mails go out now); a 500 makes Stripe retry, and the replay
      // announces the plan again (webhook.ts).
      await queueMails(deps, err.mails)
      c.get('log').error('billing: plan announcement failed after commit', { eventId: event.id, error: err.cause })
      return c.json({ error: 'retry later' }, 500)
    }
  })

  .post('/billing/checkout', formBodyLimit({ maxSize: BILLING_FORM_BYTES }), requireVerified, requireStripe, billingThrottle, async (c) => {
    const parsed = checkoutForm.safeParse(await readForm(c))
    if (!parsed.success) return renderError(c, { status: 400, title: 'Choose a plan', message: 'Pick a plan and a billing period (monthly or yearly).' })
    const user = c.get('user')!
    return runBillingAction(c, async (deps) => {
      const plan = await getPlan(deps.db, parsed.data.plan)
      if (!plan || !plan.active) throw new BillingInputError(`There is no plan called "${parsed.data.plan}". Choose one on the pricing page.`, 404)
      const live = await getLiveSubscription(deps.db, user.id)
      if (plan.monthlyPrice === 0) {
        if (!live) throw new BillingInputError('You are already on the Free plan.', 409)
        // Downgrading to Free = ending the subscription when the paid period ends, after its confirmation.
        return { redirect: '/billing/subscription/cancel' }
      }
      // A subscriber's change is never made from here: the confirmation shows its price first (change-routes.tsx).
      if (live) return { redirect: `/billing/change?${new URLSearchParams({ plan: plan.id, interval: parsed.data.interval })}` }
      return { redirect: await startCheckout(deps, user, plan, parsed.data.interval) }
    })
  })

  .get('/billing/success', requireUser, requireStripe, async (c) => {
    const testMode = testModeLabel(readStripeConfig(c.env))
    const sessionId = c.req.query('session_id') ?? ''
    const deps = await manageDeps(c, readStripeConfig(c.env)!)
    try {
      const result = await confirmCheckout(deps, c.get('user')!.id, sessionId)
      await queueMails(deps, result.mails)
      const plan = result.planName ? await getPlan(deps.db, result.planName) : null
      return c.render(result.paid
        ? <CheckoutResultPage ok title="Thank you!" message={`Your payment went through and your account is on ${plan?.name ?? 'your new plan'}.`} testMode={testMode} />
        : <CheckoutResultPage ok={false} title="Payment pending" message="Stripe has not confirmed this payment yet. We will update your plan as soon as it does." testMode={testMode} />,
      { title: 'Checkout' })
    } catch (err) {
      if (err instanceof BillingInputError) return renderError(c, { status: err.status, title: 'Checkout not found', message: err.message })
      if (isStripeUnavailable(err)) return renderError(c, { status: 503, title: 'Payments unavailable', message: 'We could not reach our payment provider to confirm this checkout. Your plan updates as soon as Stripe tells us; reload in a minute.' })
      throw err
    }
  })

  .get('/billing/cancel', requireUser, (c) =>
    c.render(<CheckoutResultPage ok={false} title="Checkout canceled" message="You left the checkout. Nothing was charged and your plan did not change." testMode={testModeLabel(readStripeConfig(c.env))} />, { title: 'Checkout canceled' }))

  // Reads only (ADR 0106): on a warm isolate, rendered in the session lookup's round trip.
  .get('/billing', readsOnly, requireUser, allowStripeRedirects, async (c) => {
    const user = c.get('user')!
    const db = c.get('db')
    const page = pageParam(c)
    const [plan, subscription, live, customerId, history] = await Promise.all([
      getAccountPlan(db, user.id, new Date()), getLiveSubscription(db, user.id), listLiveSubscriptions(db, user.id), findCustomerId(db, user.id), loadInvoicePage(c, user.id, page),
    ])
    const config = readStripeConfig(c.env)
    return c.render(
      <BillingPage plan={plan} subscription={subscription} others={live.filter((s) => s.id !== subscription?.id)} hasCustomer={customerId !== null} invoices={history.invoices} page={page} hasMore={history.hasMore}
        testMode={testModeLabel(config)} configured={config !== null} />,
      { title: 'Billing' },
    )
  })

  .get('/billing/invoices', readsOnly, requireUser, async (c) => {
    const page = pageParam(c)
    const history = await loadInvoicePage(c, c.get('user')!.id, page)
    if (!isHtmxRequest(c)) return c.redirect(`/billing?page=${page}`, 303)
    return c.html(<InvoiceHistory invoices={history.invoices} page={page} hasMore={history.hasMore} />)
  })

  .route('/', changeRoutes)

  .post('/billing/subscription/cancel', formBodyLimit({ maxSize: BILLING_FORM_BYTES }), requireUser, requireStripe, billingThrottle, (c) =>
    runBillingAction(c, async (deps) => {
      await queueMails(deps, await setCancelAtPeriodEnd(deps, c.get('user')!.id, true))
      return { redirect: '/billing', flash: 'Your subscription will end at the end of the current period. You can resume it until then.' }
    }))

  .post('/billing/subscription/resume', formBodyLimit({ maxSize: BILLING_FORM_BYTES }), requireUser, requireStripe, billingThrottle, (c) =>
    runBillingAction(c, async (deps) => {
      await queueMails(deps, await setCancelAtPeriodEnd(deps, c.get('user')!.id, false))
      return { redirect: '/billing', flash: 'Your subscription continues and renews as usual.' }
    }))

  .post('/billing/portal', formBodyLimit({ maxSize: BILLING_FORM_BYTES }), requireUser, requireStripe, billingThrottle, (c) =>
    runBillingAction(c, async (deps) => ({ redirect: await openPortal(deps, c.get('user')!.id) })))
