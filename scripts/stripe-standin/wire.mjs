// Wire helpers for the Stripe stand-in: Stripe's form encoding, its error shape, and webhook signatures.
// Plain Web APIs (Request, Response, crypto.subtle) so the same code runs in Node (`npm run dev`) and in
// workerd (the Workers tests answer the app's Stripe calls with it at the fetch boundary).

/** Parses `a[b][0][c]=x&expand[]=y` (what the Stripe SDK sends) into nested objects and arrays. */
export function parseStripeForm(text) {
  const root = {}
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = rawKey.replace(/\]/g, '').split('[')
    let node = root
    parts.forEach((part, i) => {
      const last = i === parts.length - 1
      const key = part === '' ? (Array.isArray(node) ? node.length : Object.keys(node).length) : part
      if (last) {
        node[key] = value
      } else {
        const nextIsIndex = parts[i + 1] === '' || /^\d+$/.test(parts[i + 1])
        node[key] ??= nextIsIndex ? [] : {}
        node = node[key]
      }
    })
  }
  return root
}

export function json(body, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'request-id': `req_${randomId(14)}` } })
}

/** Stripe's error envelope; the SDK turns it into StripeInvalidRequestError and friends. */
export function stripeError(status, message, extra = {}) {
  const type = status === 401 ? 'invalid_request_error' : status === 402 ? 'card_error' : status >= 500 ? 'api_error' : 'invalid_request_error'
  return json({ error: { type, message, ...extra } }, status)
}

export function missing(kind, id) {
  return stripeError(404, `No such ${kind}: '${id}'`, { code: 'resource_missing', param: 'id' })
}

export function html(body, status = 200) {
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } })
}

export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch])
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
export function randomId(length = 24) {
  const bytes = crypto.getRandomValues(new Uint8Array(length))
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('')
}

/**
 * The `Stripe-Signature` header Stripe sends: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.payload")>`
 * (https://docs.stripe.com/webhooks#verify-manually). The app checks it with the SDK's constructEventAsync.
 */
export async function signPayload(payload, secret, timestampSeconds) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${timestampSeconds}.${payload}`))
  const hex = Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('')
  return `t=${timestampSeconds},v1=${hex}`
}

/** Adds whole months in UTC, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29), as Stripe does. */
export function addMonths(seconds, months) {
  const d = new Date(seconds * 1000)
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()))
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay))
  return Math.floor(target.getTime() / 1000)
}
