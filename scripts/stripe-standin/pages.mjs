// The stand-in's browser pages: hosted checkout (test card outcomes, a 3-D Secure step), the customer portal
// (renewal succeeds or fails, so the failed-payment banner can be seen), hosted invoices and their PDF.
import { escapeHtml, html, parseStripeForm } from './wire.mjs'

const STYLE = `body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
.badge{display:inline-block;background:#ffde92;color:#5a3700;padding:.2rem .6rem;border-radius:4px;font-weight:600}
button{font:inherit;padding:.7rem 1rem;margin:.3rem 0;width:100%;border-radius:6px;border:1px solid #635bff;background:#fff;color:#3a32c8;cursor:pointer}
button.primary{background:#635bff;color:#fff}.error{color:#a4001d;font-weight:600}.muted{color:#555}a{color:#3a32c8}
fieldset{border:1px solid #ccc;border-radius:6px;margin:1rem 0}label{display:block;padding:.3rem 0}`

function page(title, body) {
  return html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Stripe stand-in</title><style>${STYLE}</style></head><body><main>
<p><span class="badge">Test mode</span> <span class="muted">Local Stripe stand-in: no real card is charged.</span></p>${body}</main></body></html>`)
}

const money = (amount, currency) => `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`

function checkoutPage(api, session, message) {
  const price = api.state.prices.get(session._line.price)
  const product = api.state.products.get(price.product)
  return page('Checkout', `<h1>Subscribe to ${escapeHtml(product?.name ?? price.product)}</h1>
<p><strong>${money(price.unit_amount, price.currency)}</strong> per ${price.recurring.interval}</p>
${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/checkout/${session.id}">
<fieldset><legend>Test card</legend>
<label><input type="radio" name="outcome" value="success" checked> 4242 4242 4242 4242 — payment succeeds</label>
<label><input type="radio" name="outcome" value="decline"> 4000 0000 0000 0002 — card declined</label>
<label><input type="radio" name="outcome" value="3ds"> 4000 0027 6000 3184 — 3-D Secure authentication required</label>
</fieldset>
<button class="primary" type="submit">Pay and subscribe</button></form>
${session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">Cancel and go back</a></p>` : ''}`)
}

function threeDSecurePage(session) {
  return page('Authenticate payment', `<h1>Confirm this payment</h1>
<p>Your bank asks you to authenticate (3-D Secure test page).</p>
<form method="post" action="/checkout/${session.id}"><input type="hidden" name="outcome" value="3ds-complete">
<button class="primary" type="submit">Complete authentication</button></form>
<form method="post" action="/checkout/${session.id}"><input type="hidden" name="outcome" value="3ds-fail">
<button type="submit">Fail authentication</button></form>`)
}

function portalPage(api, portal, notice) {
  const subs = [...api.state.subscriptions.values()].filter((s) => s.customer === portal.customer && s.status !== 'canceled')
  const rows = subs.map((s) => {
    const price = s.items.data[0].price
    return `<li>${escapeHtml(api.state.products.get(price.product)?.name ?? price.product)} — ${money(price.unit_amount, price.currency)}/${price.recurring.interval} — <strong>${escapeHtml(s.status)}</strong>
<form method="post" action="/portal/${portal.id}"><input type="hidden" name="subscription" value="${s.id}"><input type="hidden" name="action" value="fail">
<button type="submit">Simulate a failed renewal payment</button></form>
<form method="post" action="/portal/${portal.id}"><input type="hidden" name="subscription" value="${s.id}"><input type="hidden" name="action" value="pay">
<button class="primary" type="submit">Update card (4242…) and pay now</button></form></li>`
  }).join('')
  return page('Customer portal', `<h1>Manage billing</h1>${notice ? `<p role="status">${escapeHtml(notice)}</p>` : ''}
<p>Payment method: Visa •••• 4242 (test)</p><ul>${rows || '<li>No active subscription.</li>'}</ul>
${portal.return_url ? `<p><a href="${escapeHtml(portal.return_url)}">Return to the app</a></p>` : ''}`)
}

// A minimal valid one-page PDF, so "Download PDF" opens a real document offline.
function invoicePdf(invoice) {
  const text = `Invoice ${invoice.number} - ${money(invoice.amount_due, invoice.currency)} - ${invoice.status}`.replace(/[()\\]/g, '')
  const stream = `BT /F1 14 Tf 60 760 Td (${text}) Tj ET`
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>']
  let body = '%PDF-1.4\n'
  const offsets = objects.map((obj, i) => { const at = body.length; body += `${i + 1} 0 obj\n${obj}\nendobj\n`; return at })
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return new Response(body, { headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${invoice.number}.pdf"` } })
}

export async function handlePage(api, request, path) {
  const [, kind, id, extra] = path.split('/')
  if (kind === 'checkout' && api.state.sessions.has(id)) {
    const session = api.state.sessions.get(id)
    if (session.status === 'complete') return page('Checkout', '<h1>This checkout is already paid.</h1>')
    if (session.status === 'expired') return page('Checkout', '<h1>This checkout has expired.</h1><p>Start again from the app.</p>')
    if (request.method !== 'POST') return checkoutPage(api, session)
    const { outcome } = parseStripeForm(new TextDecoder().decode(await request.arrayBuffer()))
    if (outcome === 'decline') return checkoutPage(api, session, 'Your card was declined. Try another test card.')
    if (outcome === '3ds') return threeDSecurePage(session)
    if (outcome === '3ds-fail') return checkoutPage(api, session, 'We are unable to authenticate your payment method. Choose another test card.')
    await api.completeCheckout(session)
    return new Response(null, { status: 303, headers: { location: session.success_url.replace('{CHECKOUT_SESSION_ID}', session.id) } })
  }
  if (kind === 'portal' && api.state.portals.has(id)) {
    const portal = api.state.portals.get(id)
    if (request.method !== 'POST') return portalPage(api, portal)
    const form = parseStripeForm(new TextDecoder().decode(await request.arrayBuffer()))
    const subscription = api.state.subscriptions.get(form.subscription)
    if (!subscription || subscription.customer !== portal.customer) return portalPage(api, portal, 'Unknown subscription.')
    await api.renew(subscription, form.action === 'fail' ? 'fail' : 'pay')
    return portalPage(api, portal, form.action === 'fail' ? 'The renewal payment failed (test).' : 'Paid. Your subscription is active.')
  }
  if (kind === 'invoices' && api.state.invoices.has(id)) {
    const invoice = api.state.invoices.get(id)
    if (extra === 'pdf') return invoicePdf(invoice)
    return page(`Invoice ${invoice.number}`, `<h1>Invoice ${escapeHtml(invoice.number)}</h1><p>${money(invoice.amount_due, invoice.currency)} — ${escapeHtml(invoice.status)}</p>
<p><a href="/invoices/${invoice.id}/pdf">Download PDF</a></p>`)
  }
  if (path === '/' || path === '/health') return page('Stripe stand-in', '<h1>Local Stripe stand-in</h1><p>API at /v1, checkout at /checkout/:id.</p>')
  return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } })
}
