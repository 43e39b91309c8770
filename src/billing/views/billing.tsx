import type { AccountPlan, QuotaLimits } from '../plans'
import type { InvoiceRow, SubscriptionRow } from '../schema'
import { formatCount, formatMoney } from '../format'
import { formatBytes, formatDay } from '../../platform/format'
import { EmptyState } from '../../platform/components'

export const INVOICE_PAGE_SIZE = 10

export function TestModeTag({ label }: { label: string | null }) {
  return label ? <span class="tag is-warning ml-2 test-mode-tag">{label}</span> : null
}

const STATUS_LABEL: Record<string, { text: string; cls: string }> = {
  active: { text: 'Active', cls: 'is-success' },
  trialing: { text: 'Trial', cls: 'is-info' },
  past_due: { text: 'Payment failed', cls: 'is-danger' },
  unpaid: { text: 'Unpaid', cls: 'is-danger' },
  incomplete: { text: 'Awaiting payment', cls: 'is-warning' },
  canceled: { text: 'Canceled', cls: 'is-light' },
}

/**
 * A subscription's status next to the plan's name. The Free plan has no subscription and so no status: its
 * name alone says it (a "Free" tag after "Free" read "Free [Free]", issue 20).
 */
export function PlanStatusTag({ status }: { status: string }) {
  if (status === 'free') return null
  const s = STATUS_LABEL[status] ?? { text: status, cls: 'is-light' }
  return <span class={`tag ${s.cls}`}>{s.text}</span>
}

// Stripe's invoice statuses (https://docs.stripe.com/invoicing/overview#invoice-statuses), coloured by what
// they ask of the reader: paid is done, open is still to be paid, uncollectible failed, void and draft count for nothing.
const INVOICE_STATUS: Record<string, { text: string; cls: string }> = {
  paid: { text: 'Paid', cls: 'is-success' },
  open: { text: 'Open', cls: 'is-warning' },
  uncollectible: { text: 'Uncollectible', cls: 'is-danger' },
  void: { text: 'Void', cls: 'is-light' },
  draft: { text: 'Draft', cls: 'is-info is-light' },
}

export function InvoiceStatusTag({ status }: { status: string }) {
  const s = INVOICE_STATUS[status] ?? { text: status, cls: 'is-light' }
  return <span class={`tag ${s.cls}`}>{s.text}</span>
}

/** The empty slot a confirmation fragment (views/confirm.tsx) replaces on /billing and /pricing. */
export function ConfirmSlot() {
  return <div id="billing-confirm"></div>
}

export function QuotaList({ limits }: { limits: QuotaLimits }) {
  return (
    <ul class="quota-list">
      <li><strong>{formatBytes(limits.storageBytes)}</strong> of storage</li>
      <li><strong>{formatCount(limits.fileCount)}</strong> files</li>
      <li><strong>{formatCount(limits.uploadsPerMonth)}</strong> uploads a month</li>
      <li><strong>{formatCount(limits.apiRequestsPerMonth)}</strong> API requests a month</li>
    </ul>
  )
}

/** Billing history; the same component is the full page's section and the htmx page fragment. */
export function InvoiceHistory({ invoices, page, hasMore }: { invoices: InvoiceRow[]; page: number; hasMore: boolean }) {
  return (
    <div id="invoice-history">
      {invoices.length === 0 ? (
        <EmptyState icon="receipt" title="No invoices yet">
          <p>Your invoices appear here after your first payment. <a href="/pricing">Compare plans</a>.</p>
        </EmptyState>
      ) : (
        <div class="table-container">
          <table class="table is-fullwidth is-striped">
            <caption class="is-sr-only">Invoices, newest first</caption>
            <thead><tr><th scope="col">Date</th><th scope="col">Number</th><th scope="col">Amount</th><th scope="col">Status</th><th scope="col">Links</th></tr></thead>
            <tbody>
              {invoices.map((inv) => (
                <tr>
                  <td>{formatDay(inv.stripeCreatedAt)}</td>
                  <td>{inv.number ?? '—'}</td>
                  <td>{formatMoney(inv.status === 'paid' ? inv.amountPaid : inv.amountDue, inv.currency)}</td>
                  <td><InvoiceStatusTag status={inv.status} /></td>
                  <td>
                    {safeInvoiceLink(inv.hostedInvoiceUrl) && <a href={safeInvoiceLink(inv.hostedInvoiceUrl)!} rel="noopener noreferrer" target="_blank">View<span class="is-sr-only"> invoice {inv.number}</span></a>}
                    {safeInvoiceLink(inv.hostedInvoiceUrl) && safeInvoiceLink(inv.invoicePdf) && ' · '}
                    {safeInvoiceLink(inv.invoicePdf) && <a href={safeInvoiceLink(inv.invoicePdf)!} rel="noopener noreferrer" target="_blank">PDF<span class="is-sr-only"> of invoice {inv.number}</span></a>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(page > 1 || hasMore) && (
        <nav class="buttons" aria-label="Invoice pages">
          {page > 1 && <a class="button is-small" href={`/billing?page=${page - 1}`} hx-get={`/billing/invoices?page=${page - 1}`} hx-target="#invoice-history" hx-swap="outerHTML">Newer</a>}
          {hasMore && <a class="button is-small" href={`/billing?page=${page + 1}`} hx-get={`/billing/invoices?page=${page + 1}`} hx-target="#invoice-history" hx-swap="outerHTML">Older</a>}
        </nav>
      )}
    </div>
  )
}

/**
 * An invoice link as Stripe stored it, shown only when it is https: (issue 19, 9): a row's URL comes from
 * a webhook payload, and a `javascript:` or plain-http link must never reach the page. Plain http only
 * on loopback, where the local Stripe stand-in serves its invoices.
 */
export function safeInvoiceLink(url: string | null): string | null {
  if (!url) return null
  try {
    const parsed = new URL(url)
    if (parsed.protocol === 'https:') return parsed.toString()
    if (parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) return parsed.toString()
  } catch { /* not a URL */ }
  return null
}

export interface BillingPageProps {
  plan: AccountPlan
  subscription: SubscriptionRow | null
  /** Every other live subscription: never hidden, since each one bills (issue 19, finding 4). */
  others: SubscriptionRow[]
  hasCustomer: boolean
  invoices: InvoiceRow[]
  page: number
  hasMore: boolean
  testMode: string | null
  configured: boolean
}

function SubscriptionDetails({ plan, subscription }: { plan: AccountPlan; subscription: SubscriptionRow | null }) {
  if (!subscription) {
    return <p>You are on the Free plan. Its quotas reset on {formatDay(plan.periodEnd)}.</p>
  }
  return (
    <dl class="billing-facts">
      <dt>Billing</dt><dd>{subscription.interval === 'year' ? 'Yearly' : 'Monthly'}</dd>
      <dt>{subscription.cancelAtPeriodEnd ? 'Ends on' : 'Renews on'}</dt><dd>{formatDay(subscription.currentPeriodEnd)}</dd>
      {subscription.trialEnd && <><dt>Trial ends</dt><dd>{formatDay(subscription.trialEnd)}</dd></>}
      <dt>Payment</dt>
      <dd>{subscription.paymentFailed || subscription.status === 'past_due' ? <strong class="has-text-danger-dark">The last payment failed. Update your payment method.</strong> : 'Up to date'}</dd>
    </dl>
  )
}

export function BillingPage(p: BillingPageProps) {
  const sub = p.subscription
  return (
    <section class="section">
      <div class="container">
        <h1 class="title">Billing <TestModeTag label={p.testMode} /></h1>
        {!p.configured && <div class="notification is-warning is-light" role="status">Billing is not configured on this server (no Stripe keys). See docs/billing.md.</div>}
        <div class="columns">
          <div class="column is-half">
            <div class="box">
              <h2 class="title is-4">{p.plan.name} <PlanStatusTag status={sub?.status ?? 'free'} /></h2>
              <SubscriptionDetails plan={p.plan} subscription={sub} />
              {sub?.cancelAtPeriodEnd && <p class="mt-2">Your plan ends on {formatDay(sub.currentPeriodEnd)}; then your account moves to Free.</p>}
              {p.others.length > 0 && (
                <div class="notification is-warning is-light mt-3" role="status">
                  <p><strong>Your account has {p.others.length === 1 ? 'another live subscription' : `${p.others.length} other live subscriptions`}.</strong> We cancel duplicates at once and credit the unused time; if one is still listed here, manage it in the billing portal or contact us.</p>
                  <ul>{p.others.map((o) => <li>{o.planId} ({o.interval === 'year' ? 'yearly' : 'monthly'}), {o.cancelAtPeriodEnd ? 'ends' : 'renews'} on {formatDay(o.currentPeriodEnd)}</li>)}</ul>
                </div>
              )}
              <div class="buttons mt-4">
                <a class="button is-primary" href="/pricing">{sub ? 'Change plan' : 'Upgrade'}</a>
                {p.configured && sub && !sub.cancelAtPeriodEnd && (
                  // Asks first: the confirmation says until when the plan stays and that nothing more is charged.
                  <a class="button is-light" href="/billing/subscription/cancel" hx-get="/billing/subscription/cancel" hx-target="#billing-confirm" hx-swap="outerHTML">Cancel subscription</a>
                )}
                {p.configured && sub?.cancelAtPeriodEnd && (
                  <form method="post" action="/billing/subscription/resume"><button class="button is-success" type="submit">Resume subscription</button></form>
                )}
                {p.configured && p.hasCustomer && (
                  <form method="post" action="/billing/portal"><button class="button is-light" type="submit">Manage payment methods</button></form>
                )}
              </div>
              <ConfirmSlot />
            </div>
          </div>
          <div class="column is-half">
            <div class="box">
              <h2 class="title is-5">What your plan includes</h2>
              <QuotaList limits={p.plan.limits} />
              <p class="help">Current period: {formatDay(p.plan.periodStart)} to {formatDay(p.plan.periodEnd)}</p>
            </div>
          </div>
        </div>
        <h2 class="title is-4" id="history-title">Billing history</h2>
        <InvoiceHistory invoices={p.invoices} page={p.page} hasMore={p.hasMore} />
      </div>
    </section>
  )
}

/** /billing/success and /billing/cancel. */
export function CheckoutResultPage({ title, message, ok, testMode }: { title: string; message: string; ok: boolean; testMode: string | null }) {
  return (
    <section class="section">
      <div class="container content">
        <h1 class="title">{title} <TestModeTag label={testMode} /></h1>
        <div class={`notification ${ok ? 'is-success' : 'is-info'} is-light`} role="status">{message}</div>
        <p class="buttons"><a class="button is-primary" href="/billing">Go to billing</a><a class="button is-light" href="/dashboard">Dashboard</a></p>
      </div>
    </section>
  )
}
