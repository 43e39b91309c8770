import { describe, expect, it } from 'vitest'
import { createTestUser, get, loginCookie, post } from '../auth/helpers'
import { useFakeStripe } from './stripe'

// The checkout's return page in the states checkout.test.ts does not reach: a session Stripe does not
// know, one not paid yet, and Stripe failing to answer (src/billing/manage.ts confirmCheckout).

const fake = useFakeStripe()

async function startedCheckout() {
  const user = await createTestUser()
  const cookie = await loginCookie(user.email)
  const res = await post('/billing/checkout', { plan: 'pro', interval: 'month' }, cookie)
  return { cookie, sessionId: res.headers.get('location')!.split('/').pop()! }
}

describe('/billing/success', () => {
  it('a session Stripe does not know is 404; one not paid yet says the payment is pending', async () => {
    const { cookie, sessionId } = await startedCheckout()
    const unknown = await get('/billing/success?session_id=cs_test_doesnotexist', cookie)
    expect(unknown.status).toBe(404)
    expect(await unknown.text()).toContain('We could not find this checkout.')
    const pending = await get(`/billing/success?session_id=${sessionId}`, cookie)
    expect(pending.status).toBe(200)
    const page = await pending.text()
    expect(page).toContain('Payment pending')
    expect(page).toContain('Stripe has not confirmed this payment yet.')
  })

  it('Stripe failing to answer is a 503 that says the plan updates when Stripe tells us', async () => {
    const { cookie, sessionId } = await startedCheckout()
    fake.fail(/^GET \/v1\/checkout\/sessions\//, '500')
    const res = await get(`/billing/success?session_id=${sessionId}`, cookie)
    expect(res.status).toBe(503)
    expect(await res.text()).toContain('We could not reach our payment provider to confirm this checkout.')
  })
})
