import { describe, expect, it, vi } from 'vitest'
import { env } from 'cloudflare:workers'
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { eq, like } from 'drizzle-orm'
import worker from '../../src/index'
import { EmailRejectedError, sendEmail, type EmailMessage } from '../../src/email/send-email'
import { EMAIL_QUEUE } from '../../src/email/consumer'
import { emailDeliveries, emailOutbox } from '../../src/email/schema'
import { withDb } from '../helpers/db'
import { postForm } from '../helpers/http'
import { uniqueAddress, waitForDelivery, waitForMail } from '../helpers/mail'

// This project runs without RESEND_API_KEY, as `npm run dev` does: the real queue consumer renders each
// mail and stores it in the local outbox.

function welcome(to: string): EmailMessage {
  return { template: 'welcome', to, props: { name: 'Ada', dashboardUrl: 'http://localhost/dashboard' } }
}

// The real EMAIL binding, watched: a rejected mail must never reach it.
function watchedQueue() {
  const send = vi.fn((body: unknown, options?: QueueSendOptions) => env.EMAIL.send(body, options))
  return { queue: { send, sendBatch: env.EMAIL.sendBatch.bind(env.EMAIL) } as unknown as Queue, send }
}

const deliveriesTo = (to: string) => withDb((db) => db.select().from(emailDeliveries).where(eq(emailDeliveries.recipient, to)))

describe('sendEmail', () => {
  it('records the delivery as queued and returns before anything is sent', async () => {
    const to = uniqueAddress()
    // The message is held at the queue's door until the row has been read: the real consumer cannot have
    // claimed it yet, so 'queued' and 0 attempts are what sendEmail itself left.
    const held: Array<() => Promise<void>> = []
    const queue = { send: (body: unknown, options?: QueueSendOptions) => { held.push(async () => { await env.EMAIL.send(body, options) }); return Promise.resolve() } } as unknown as Queue
    const { deliveryId } = await withDb((db) => sendEmail({ db, queue }, welcome(to)))
    expect(held).toHaveLength(1)
    const [row] = await deliveriesTo(to)
    expect(row).toMatchObject({ id: deliveryId, template: 'welcome', recipient: to, status: 'queued', attempts: 0 })
    await held[0]!()
    // Then the real consumer takes it off the queue.
    const mail = await waitForMail(to, { template: 'welcome' })
    expect(mail.id).toBe(deliveryId)
    expect(mail.subject).toBe(`Welcome to ${env.APP_NAME}`)
    expect(mail.html).toContain('http://localhost/dashboard')
    expect(mail.text).toContain('Open your dashboard (http://localhost/dashboard)')
    expect(await waitForDelivery(deliveryId)).toMatchObject({ status: 'sent', transport: 'outbox', attempts: 1, subject: `Welcome to ${env.APP_NAME}`, error: null })
  })

  it.each([
    ['an unknown template', { template: 'newsletter', to: 'x@example.com', props: {} }, /Unknown email template "newsletter". Known templates: verify-email, /],
    ['an invalid recipient', { template: 'welcome', to: 'not-an-address', props: { name: 'A', dashboardUrl: 'http://localhost/' } }, /Invalid recipient "not-an-address"/],
    ['two recipients in one string', { template: 'welcome', to: 'a@example.com, b@example.com', props: { name: 'A', dashboardUrl: 'http://localhost/' } }, /Invalid recipient/],
    ['a header injection in the recipient', { template: 'welcome', to: 'a@example.com\r\nBcc: b@example.com', props: { name: 'A', dashboardUrl: 'http://localhost/' } }, /Invalid recipient/],
    ['props that do not fit', { template: 'password-reset', to: 'x@example.com', props: { name: 'A', resetUrl: 'javascript:alert(1)', expiresInMinutes: 60 } }, /Invalid props for email template "password-reset": resetUrl/],
    ['an invalid reply-to', { template: 'welcome', to: 'x@example.com', replyTo: 'nope', props: { name: 'A', dashboardUrl: 'http://localhost/' } }, /Invalid reply-to address/],
  ])('rejects %s at enqueue time, with nothing stored or queued', async (_label, message, error) => {
    const marker = `reject-${crypto.randomUUID().slice(0, 8)}`
    const { queue, send } = watchedQueue()
    const tagged = { ...message, to: message.to.replace('x@', `${marker}@`) } as EmailMessage
    const attempt = withDb((db) => sendEmail({ db, queue }, tagged))
    await expect(attempt).rejects.toThrow(EmailRejectedError)
    await expect(attempt).rejects.toThrow(error)
    expect(send).not.toHaveBeenCalled()
    expect(await withDb((db) => db.select().from(emailDeliveries).where(like(emailDeliveries.recipient, `%${marker}%`)))).toHaveLength(0)
  })

  it('marks the delivery failed when the queue refuses the message', async () => {
    const to = uniqueAddress()
    const queue = { send: () => Promise.reject(new Error('queue unavailable')) } as unknown as Queue
    await expect(withDb((db) => sendEmail({ db, queue }, welcome(to)))).rejects.toThrow('queue unavailable')
    const [row] = await deliveriesTo(to)
    expect(row).toMatchObject({ status: 'failed', error: expect.stringContaining('could not be queued: Error: queue unavailable') })
  })
})

describe('the consumer in outbox mode', () => {
  async function consume(body: unknown, envOverride: Partial<Env> = {}, attempts = 1) {
    const batch = createMessageBatch(EMAIL_QUEUE, [{ id: `msg-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body }])
    const ctx = createExecutionContext()
    await (worker as ExportedHandler<Env>).queue!(batch, { ...env, ...envOverride }, ctx)
    return getQueueResult(batch, ctx)
  }

  it('a redelivered message is stored once and not handled again', async () => {
    const to = uniqueAddress()
    const { deliveryId } = await withDb((db) => sendEmail({ db, queue: env.EMAIL }, welcome(to)))
    await waitForDelivery(deliveryId)
    const job = { id: deliveryId, template: 'welcome', to, props: { name: 'Ada', dashboardUrl: 'http://localhost/dashboard' } }
    const result = await consume(job, {}, 2)
    expect(result.explicitAcks).toHaveLength(1)
    expect(result.retryMessages).toHaveLength(0)
    expect(await withDb((db) => db.select().from(emailOutbox).where(eq(emailOutbox.recipient, to)))).toHaveLength(1)
    expect((await deliveriesTo(to))[0]).toMatchObject({ status: 'sent', attempts: 1 })
  })

  it('production without RESEND_API_KEY fails the mail loudly instead of filing it in the outbox', async () => {
    const to = uniqueAddress()
    const queue = { send: async () => {} } as unknown as Queue // held back, handed to the consumer below
    const { deliveryId } = await withDb((db) => sendEmail({ db, queue }, welcome(to)))
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const result = await consume({ id: deliveryId, template: 'welcome', to, props: { name: 'Ada', dashboardUrl: 'http://localhost/dashboard' } }, { ENVIRONMENT: 'production' })
    logged.mockRestore()
    expect(result.explicitAcks).toHaveLength(1)
    expect((await deliveriesTo(to))[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('RESEND_API_KEY is not set') })
    expect(await withDb((db) => db.select().from(emailOutbox).where(eq(emailOutbox.recipient, to)))).toHaveLength(0)
  })

  it('a message whose props no longer fit its template fails without retrying', async () => {
    const to = uniqueAddress()
    const queue = { send: async () => {} } as unknown as Queue
    const { deliveryId } = await withDb((db) => sendEmail({ db, queue }, welcome(to)))
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const result = await consume({ id: deliveryId, template: 'welcome', to, props: { name: 'Ada' } })
    logged.mockRestore()
    expect(result.explicitAcks).toHaveLength(1)
    expect(result.retryMessages).toHaveLength(0)
    expect((await deliveriesTo(to))[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/could not render: .*dashboardUrl/) })
  })
})

describe('the contact form', () => {
  it('mails the admin through the queue: the notification lands in the outbox', async () => {
    const subject = `Outbox check ${crypto.randomUUID().slice(0, 8)}`
    const res = await postForm('/contact', { name: 'Grace Hopper', email: 'grace@example.com', subject, message: 'Please call me back about the team plan.' })
    expect(res.status).toBe(303)
    await vi.waitFor(async () => {
      const [mail] = await withDb((db) => db.select().from(emailOutbox).where(eq(emailOutbox.subject, `Contact form: ${subject}`)))
      expect(mail).toBeDefined()
      expect(mail.recipient).toBe(env.ADMIN_EMAIL)
      expect(mail.template).toBe('contact-received')
      expect(mail.text).toContain('Grace Hopper <grace@example.com>')
      expect(mail.text).toContain('Please call me back about the team plan.')
    }, { timeout: 10_000, interval: 100 })
  })
})
