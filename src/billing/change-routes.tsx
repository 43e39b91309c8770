import { Hono } from 'hono'
import { z } from 'zod'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { AppContext, AppEnv } from '../platform/types'
import { renderError } from '../platform/errors'
import { formBodyLimit, readForm } from '../platform/forms'
import { isHtmxRequest } from '../platform/htmx'
import { requireUser, requireVerified } from '../auth'
import { readStripeConfig } from './stripe'
import { BillingInputError, queueMails, type ManageDeps } from './manage'
import { changePlan, previewCancel, previewPlanChange } from './change'
import { getPlan } from './plans'
import type { PlanRow } from './schema'
import { BILLING_FORM_BYTES, billingThrottle, checkoutForm, manageDeps, requireStripe, runBillingAction, stripeFailure, testModeLabel } from './route-kit'
import { ConfirmCancel, ConfirmPage, ConfirmPlanChange } from './views/confirm'

/**
 * Plan change and cancellation ask first (issue 20): a GET shows what Stripe will charge — its invoice
 * preview — as a page or, for htmx, the same component as a fragment; the confirmation form POSTs the
 * change with the preview's proration date. Stripe is asked nothing that changes anything until then.
 */

const PREVIEW_FAILED = {
  unavailable: 'We could not get the price of this change from our payment provider, so nothing was changed or charged. Please try again in a minute.',
  refused: 'Our payment provider could not price this change, so nothing was changed or charged. Please try again or contact us.',
}

const confirmForm = checkoutForm.extend({
  proration_date: z.coerce.number().int().positive(),
  from_price: z.string().trim().min(1).max(255),
})

async function activePlan(deps: ManageDeps, id: string): Promise<PlanRow> {
  const plan = await getPlan(deps.db, id)
  if (!plan || !plan.active) throw new BillingInputError(`There is no plan called "${id}". Choose one on the pricing page.`, 404)
  return plan
}

/** Renders a confirmation: the full page, or only the component for htmx. Stripe failures become a message. */
async function renderConfirmation(c: AppContext, title: string, load: (deps: ManageDeps) => Promise<HtmlEscapedString | Promise<HtmlEscapedString>>) {
  const deps = await manageDeps(c, readStripeConfig(c.env)!)
  try {
    const body = await load(deps)
    if (isHtmxRequest(c)) return c.html(body)
    return c.render(<ConfirmPage title={title} testMode={testModeLabel(readStripeConfig(c.env))}>{body}</ConfirmPage>, { title })
  } catch (err) {
    return stripeFailure(c, err, PREVIEW_FAILED)
  }
}

export const changeRoutes = new Hono<AppEnv>()
  .get('/billing/change', requireVerified, requireStripe, billingThrottle, async (c) => {
    const parsed = checkoutForm.safeParse({ plan: c.req.query('plan'), interval: c.req.query('interval') })
    if (!parsed.success) return renderError(c, { status: 400, title: 'Choose a plan', message: 'Pick a plan and a billing period (monthly or yearly).' })
    return renderConfirmation(c, 'Confirm your plan change', async (deps) => {
      const plan = await activePlan(deps, parsed.data.plan)
      // Free is not a plan one changes to: it is what remains when the subscription ends.
      if (plan.monthlyPrice === 0) return <ConfirmCancel preview={await previewCancel(deps, c.get('user')!.id)} />
      const preview = await previewPlanChange(deps, c.get('user')!.id, plan, parsed.data.interval)
      const from = await getPlan(deps.db, preview.current.planId)
      return <ConfirmPlanChange preview={preview} fromName={from?.name ?? preview.current.planId} />
    })
  })

  .post('/billing/change', formBodyLimit({ maxSize: BILLING_FORM_BYTES }), requireVerified, requireStripe, billingThrottle, async (c) => {
    const parsed = confirmForm.safeParse(await readForm(c))
    if (!parsed.success) return renderError(c, { status: 400, title: 'Review the change', message: 'This confirmation is incomplete. Choose the plan again on the pricing page.' })
    const { plan: planId, interval, proration_date: prorationDate, from_price: fromPriceId } = parsed.data
    return runBillingAction(c, async (deps) => {
      const plan = await activePlan(deps, planId)
      if (plan.monthlyPrice === 0) throw new BillingInputError('To move to Free, cancel your subscription from the billing page.', 409)
      await queueMails(deps, await changePlan(deps, c.get('user')!.id, plan, interval, { prorationDate, fromPriceId }))
      return { redirect: '/billing', flash: `You are now on ${plan.name} (${interval === 'year' ? 'yearly' : 'monthly'}).` }
    })
  })

  .get('/billing/subscription/cancel', requireUser, requireStripe, billingThrottle, (c) =>
    renderConfirmation(c, 'Cancel your subscription', async (deps) => <ConfirmCancel preview={await previewCancel(deps, c.get('user')!.id)} />))
