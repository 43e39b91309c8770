import { afterEach, describe, expect, it, vi } from 'vitest'
import { env } from 'cloudflare:workers'
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import worker from '../../../src/index'
import { backoffSeconds, EMAIL_DEAD_LETTER_QUEUE, EMAIL_QUEUE } from '../../../src/email/consumer'
import { RESEND_ENDPOINT, parseRetryAfter } from '../../../src/email/resend'
import { emailOutbox } from '../../../src/email/schema'
import { sendEmail, type EmailMessage } from '../../../src/email/send-email'
import { withDb } from '../../helpers/db'
import { postForm, request } from '../../helpers/http'
import { signedInAdmin } from '../../admin/helpers'
import { uniqueAddress, waitForDelivery } from '../../helpers/mail'

// This project runs with RESEND_API_KEY=re_test_key. Resend is the only thing faked: every request the
// consumer makes to it is answered here, from the real queue consumer running in this isolate.

interface ResendCall {
  url: string
  headers: Headers
  body: Record<string, unknown>
}

function fakeResend(...answers: Array<() => Response>) {
  const calls: ResendCall[] = []
  const realFetch = globalThis.fetch
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init)
    if (request.url !== RESEND_ENDPOINT) return realFetch(input, init)
    calls.push({ url: request.url, headers: request.headers, body: await request.json() })
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)]
    return answer()
  })
  return calls
}

const ok = (id = `re_${crypto.randomUUID()}`) => () => Response.json({ id })
const status = (code: number, headers: Record<string, string> = {}) => () =>
  Response.json({ statusCode: code, name: code === 429 ? 'rate_limit_exceeded' : code >= 500 ? 'internal_server_error' : 'validation_error', message: `status ${code}` }, { status: code, headers })

function resetMail(to: string): EmailMessage {
  return { template: 'password-reset', to, props: { name: 'Ada', resetUrl: 'http://localhost/reset-password?token=t0k3n', expiresInMinutes: 60 } }
}

const queueMail = (message: EmailMessage, queue: Queue = env.EMAIL) => withDb((db) => sendEmail({ db, queue }, message))
const heldQueue = { send: async () => {} } as unknown as Queue // records the delivery; the test hands the job to the consumer

async function consumeOnce(job: Record<string, unknown>, attempts = 1, queue = EMAIL_QUEUE) {
  const batch = createMessageBatch(queue, [{ id: `msg-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body: job }])
  // getQueueResult reports which messages were retried, not their delay: read that from the call.
  const retry = vi.spyOn(batch.messages[0], 'retry')
  const ctx = createExecutionContext()
  await (worker as ExportedHandler<Env>).queue!(batch, env, ctx)
  return { ...(await getQueueResult(batch, ctx)), retryDelays: retry.mock.calls.map(([options]) => options?.delaySeconds) }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('sending through Resend', () => {
  it('posts the rendered mail to Resend with the delivery id as idempotency key', async () => {
    const calls = fakeResend(ok('re_123'))
    const to = uniqueAddress('resend')
    const { deliveryId } = await queueMail({ ...resetMail(to), replyTo: 'support@example.com' })
    const row = await waitForDelivery(deliveryId)
    expect(row).toMatchObject({ status: 'sent', transport: 'resend', providerId: 're_123', attempts: 1, error: null })
    expect(row.sentAt).toBeInstanceOf(Date)
    expect(calls).toHaveLength(1)
    const [call] = calls
    expect(call.headers.get('authorization')).toBe('Bearer re_test_key')
    expect(call.headers.get('content-type')).toBe('application/json')
    expect(call.headers.get('idempotency-key')).toBe(deliveryId)
    expect(call.body).toMatchObject({
      from: env.EMAIL_FROM,
      to: [to],
      reply_to: 'support@example.com',
      subject: `Reset your ${env.APP_NAME} password`,
    })
    expect(call.body.html).toContain('href="http://localhost/reset-password?token=t0k3n"')
    expect(call.body.text).toContain('Choose a new password (http://localhost/reset-password?token=t0k3n)')
    // Sent, so not filed in the local outbox.
    expect(await withDb((db) => db.select().from(emailOutbox).where(eq(emailOutbox.id, deliveryId)))).toHaveLength(0)
  })

  it('a 500 is retried with backoff and the error recorded, the mail still queued', async () => {
    const calls = fakeResend(status(500))
    const to = uniqueAddress('resend')
    const { deliveryId } = await queueMail(resetMail(to), heldQueue)
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const result = await consumeOnce({ id: deliveryId, ...resetMail(to) })
    expect(calls).toHaveLength(1)
    expect(result.explicitAcks).toHaveLength(0)
    expect(result.retryMessages).toHaveLength(1)
    expect(result.retryDelays).toEqual([30])
    expect(await waitForDelivery(deliveryId, () => true)).toMatchObject({ status: 'queued', attempts: 1, error: 'Resend 500 internal_server_error: status 500' })
    // Later attempts wait longer.
    expect([1, 2, 3, 4, 5, 10].map(backoffSeconds)).toEqual([30, 60, 120, 240, 480, 3600])
  })

  it('through the real queue: a 500, then success, sends once with the same key', async () => {
    // Retry-After: 0 lets the queue redeliver at once instead of after the 30 s backoff.
    const calls = fakeResend(status(500, { 'retry-after': '0' }), ok('re_after_retry'))
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { deliveryId } = await queueMail(resetMail(uniqueAddress('resend')))
    const row = await waitForDelivery(deliveryId)
    expect(row).toMatchObject({ status: 'sent', providerId: 're_after_retry', attempts: 2, error: null })
    expect(calls.map((c) => c.headers.get('idempotency-key'))).toEqual([deliveryId, deliveryId])
  })

  it('a 429 waits as long as Retry-After says', async () => {
    fakeResend(status(429, { 'retry-after': '7' }))
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const to = uniqueAddress('resend')
    const { deliveryId } = await queueMail(resetMail(to), heldQueue)
    const result = await consumeOnce({ id: deliveryId, ...resetMail(to) }, 2)
    expect(result.retryMessages).toHaveLength(1)
    expect(result.retryDelays).toEqual([7])
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30)
    expect(parseRetryAfter('soon', 0)).toBeUndefined()
    expect(parseRetryAfter('999999', 0)).toBe(12 * 60 * 60)
  })

  it('a network failure is retried too', async () => {
    // Only Resend is unreachable: the database travels over fetch too (SQL over HTTP, ADR 0008).
    const realFetch = globalThis.fetch
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (new Request(input, init).url !== RESEND_ENDPOINT) return realFetch(input, init)
      throw new TypeError('Network connection lost.')
    })
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const to = uniqueAddress('resend')
    const { deliveryId } = await queueMail(resetMail(to), heldQueue)
    const result = await consumeOnce({ id: deliveryId, ...resetMail(to) })
    expect(result.retryMessages).toHaveLength(1)
    expect(await waitForDelivery(deliveryId, () => true)).toMatchObject({ status: 'queued', error: expect.stringContaining('Resend unreachable: TypeError: Network connection lost.') })
  })

  it('a 422 fails at once: retrying would fail the same way', async () => {
    fakeResend(status(422))
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const to = uniqueAddress('resend')
    const { deliveryId } = await queueMail(resetMail(to), heldQueue)
    const result = await consumeOnce({ id: deliveryId, ...resetMail(to) })
    expect(result.explicitAcks).toHaveLength(1)
    expect(result.retryMessages).toHaveLength(0)
    expect(await waitForDelivery(deliveryId)).toMatchObject({ status: 'failed', error: 'Resend 422 validation_error: status 422' })
  })

  it('repeated failures end in the dead-letter queue and a failed row, after max_retries + 1 attempts', async () => {
    const calls = fakeResend(status(503, { 'retry-after': '0' }))
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { deliveryId } = await queueMail(resetMail(uniqueAddress('resend')))
    const row = await waitForDelivery(deliveryId, (r) => r.status !== 'queued', 25_000)
    // wrangler.toml: max_retries = 5 on quickscale-email, dead_letter_queue = quickscale-email-dlq.
    expect(calls).toHaveLength(6)
    expect(row).toMatchObject({ status: 'failed', attempts: 6, error: 'gave up after 6 attempts; last error: Resend 503 internal_server_error: status 503' })
    expect(new Set(calls.map((c) => c.headers.get('idempotency-key')))).toEqual(new Set([deliveryId]))
  }, 30_000)

  it('a redelivered message is not sent twice', async () => {
    const calls = fakeResend(ok('re_once'))
    const to = uniqueAddress('resend')
    const { deliveryId } = await queueMail(resetMail(to))
    await waitForDelivery(deliveryId)
    expect(calls).toHaveLength(1)
    // The queue delivers at least once: the same message again, as after a lost acknowledgement.
    const result = await consumeOnce({ id: deliveryId, ...resetMail(to) }, 1)
    expect(result.explicitAcks).toHaveLength(1)
    expect(result.retryMessages).toHaveLength(0)
    expect(calls).toHaveLength(1)
    expect(await waitForDelivery(deliveryId)).toMatchObject({ status: 'sent', providerId: 're_once', attempts: 1 })
  })
})

describe('Resend down until the dead-letter queue (issue 21): the admin sees the mail and nothing is lost', () => {
  it('a 500 is retried, the dead letter marks it failed on the admin mail panel, and the admin retry sends the same mail', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { cookie } = await signedInAdmin()
    const to = uniqueAddress('resend-down')
    const welcome: EmailMessage = { template: 'welcome', to, props: { name: 'Grace Down', dashboardUrl: 'http://localhost/dashboard' } }
    const { deliveryId } = await queueMail(welcome, heldQueue)
    const calls = fakeResend(status(500), ok('re_after_outage'))
    // The real queue's retries until max_retries are the test above; here the first attempt and the dead letter.
    const first = await consumeOnce({ id: deliveryId, ...welcome })
    expect(first.retryMessages).toHaveLength(1)
    const dead = await consumeOnce({ id: deliveryId, ...welcome }, 6, EMAIL_DEAD_LETTER_QUEUE)
    expect(dead.explicitAcks).toHaveLength(1)
    const error = 'gave up after 1 attempts; last error: Resend 500 internal_server_error: status 500'
    expect(await waitForDelivery(deliveryId)).toMatchObject({ status: 'failed', error })

    const panel = await (await request('/admin/mail?status=failed', { headers: { cookie } })).text()
    expect(panel).toContain(to)
    expect(panel).toContain(error)
    expect(panel).toContain(`/admin/mail/${deliveryId}/retry`)

    expect((await postForm(`/admin/mail/${deliveryId}/retry`, {}, { headers: { cookie } })).status).toBe(303)
    const sent = await waitForDelivery(deliveryId, (r) => r.status === 'sent')
    expect(sent).toMatchObject({ providerId: 're_after_outage', transport: 'resend' })
    // Nothing lost: the retried send is the same mail to the same person, under the same delivery id.
    expect(calls).toHaveLength(2)
    expect(calls[1]!.body).toMatchObject({ to: [to], subject: calls[0]!.body.subject, html: calls[0]!.body.html })
    expect(calls[1]!.headers.get('idempotency-key')).toBe(deliveryId)
  })
})
