import { describe, expect, it } from 'vitest'
import { createStripeClient, isLocalStandin, isStripeError, isStripeUnavailable, isTestMode, readStripeConfig } from '../../src/billing/stripe'

// Reading Stripe's settings and classifying its errors (src/billing/stripe.ts), on their own.

const env = (values: Record<string, string | undefined>) => values as unknown as Env

describe('Stripe configuration', () => {
  it('needs both the key and the webhook secret (trimmed); an empty API base means Stripe itself', () => {
    expect(readStripeConfig(env({ STRIPE_SECRET_KEY: 'sk_test_a' }))).toBeNull()
    expect(readStripeConfig(env({ STRIPE_SECRET_KEY: '  ', STRIPE_WEBHOOK_SECRET: 'whsec_a' }))).toBeNull()
    expect(readStripeConfig(env({ STRIPE_SECRET_KEY: ' sk_test_a ', STRIPE_WEBHOOK_SECRET: 'whsec_a', STRIPE_API_BASE: ' ' }))).toEqual({ secretKey: 'sk_test_a', webhookSecret: 'whsec_a', apiBase: undefined })
  })

  it('labels every key but a live one as test mode, and knows the local stand-in by its loopback address', () => {
    const config = (secretKey: string, apiBase?: string) => ({ secretKey, webhookSecret: 'whsec_a', apiBase })
    expect([isTestMode(config('sk_test_a')), isTestMode(config('rk_test_a')), isTestMode(config('sk_live_a')), isTestMode(config('rk_live_a'))]).toEqual([true, true, false, false])
    expect(isLocalStandin(config('sk_test_a', 'http://127.0.0.1:12111'))).toBe(true)
    expect(isLocalStandin(config('sk_test_a', 'http://localhost/'))).toBe(true)
    expect(isLocalStandin(config('sk_test_a', 'https://stripe-mock.internal'))).toBe(false)
    expect(isLocalStandin(config('sk_test_a'))).toBe(false)
  })

  it('points the SDK at the API base, with the default port of its scheme', async () => {
    const at = async (apiBase?: string) => {
      const stripe = await createStripeClient({ secretKey: 'sk_test_a', webhookSecret: 'whsec_a', apiBase })
      return ['host', 'port', 'protocol'].map((key) => String(stripe.getApiField(key as 'host')))
    }
    expect(await at('http://127.0.0.1:12111')).toEqual(['127.0.0.1', '12111', 'http'])
    expect(await at('https://stripe-mock.internal')).toEqual(['stripe-mock.internal', '443', 'https'])
    expect(await at('http://stripe-mock.internal')).toEqual(['stripe-mock.internal', '80', 'http'])
    expect(await at()).toEqual(['api.stripe.com', '443', 'https'])
  })
})

describe('Stripe errors', () => {
  it('a connection or API error, or any 5xx, is "unavailable"; a card error or anything else is not', () => {
    expect(isStripeUnavailable({ type: 'StripeConnectionError' })).toBe(true)
    expect(isStripeUnavailable({ type: 'StripeAPIError' })).toBe(true)
    expect(isStripeUnavailable({ type: 'StripeInvalidRequestError', statusCode: 503 })).toBe(true)
    expect(isStripeUnavailable({ type: 'StripeCardError', statusCode: 402 })).toBe(false)
    expect(isStripeUnavailable({ type: 'StripeInvalidRequestError' })).toBe(false)
    expect(isStripeUnavailable(new Error('Stripe is down'))).toBe(false)
    expect(isStripeUnavailable(null)).toBe(false)
    expect(isStripeError({ type: 'StripeCardError' })).toBe(true)
    expect(isStripeError({ type: 'card_error' })).toBe(false)
  })
})
