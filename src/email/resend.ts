// Resend's REST API through fetch. The `resend` SDK would bring React Email's renderer, prettier and
// html-to-text into the bundle a second time (about 335 KiB gzip) for one POST.
export const RESEND_ENDPOINT = 'https://api.resend.com/emails'

// Queues accept delays up to 12 hours.
const MAX_DELAY_SECONDS = 12 * 60 * 60

export interface OutgoingMail {
  from: string
  to: string
  replyTo?: string
  subject: string
  html: string
  text: string
}

export type SendOutcome =
  | { ok: true; providerId: string }
  | { ok: false; retryable: boolean; error: string; retryAfterSeconds?: number }

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) : Math.ceil((Date.parse(value) - now) / 1000)
  if (!Number.isFinite(seconds)) return undefined
  return Math.min(Math.max(seconds, 0), MAX_DELAY_SECONDS)
}

/**
 * One POST /emails. The idempotency key makes a retry of a send that did reach Resend (but whose answer
 * or our bookkeeping got lost) return the first result instead of mailing twice; Resend keeps keys for
 * 24 hours, far longer than our retries last.
 * 429 (rate limit), 408, 409 (the same key still in flight) and 5xx are worth retrying; other 4xx will
 * fail the same way every time.
 */
export async function sendWithResend(apiKey: string, mail: OutgoingMail, idempotencyKey: string): Promise<SendOutcome> {
  let res: Response
  try {
    res = await fetch(RESEND_ENDPOINT, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${apiKey}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': idempotencyKey,
      },
      body: JSON.stringify({
        from: mail.from,
        to: [mail.to],
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        ...(mail.replyTo ? { reply_to: mail.replyTo } : {}),
      }),
      signal: AbortSignal.timeout(15_000),
    })
  } catch (err) {
    return { ok: false, retryable: true, error: `Resend unreachable: ${String(err)}` }
  }
  const body = await res.text()
  if (res.ok) {
    const id = safeJson(body)?.id
    return typeof id === 'string' ? { ok: true, providerId: id } : { ok: false, retryable: true, error: `Resend ${res.status} without an email id` }
  }
  const json = safeJson(body)
  const detail = json ? `${json.name ?? 'error'}: ${json.message ?? ''}` : body.slice(0, 300)
  const retryable = res.status === 408 || res.status === 409 || res.status === 429 || res.status >= 500
  return { ok: false, retryable, error: `Resend ${res.status} ${detail}`.trim(), retryAfterSeconds: parseRetryAfter(res.headers.get('retry-after'), Date.now()) }
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
