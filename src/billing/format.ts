// Intl formatters are costly to build (a noticeable share of a page's render time, docs/performance.md):
// one per currency and style, kept for the isolate's life.
const currencyFormats = new Map<string, Intl.NumberFormat>()
function currencyFormat(currency: string, wholeUnits: boolean): Intl.NumberFormat {
  const key = `${currency}:${wholeUnits}`
  let format = currencyFormats.get(key)
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency, ...(wholeUnits ? { maximumFractionDigits: 0 } : {}) })
    currencyFormats.set(key, format)
  }
  return format
}

/** "$19.00" from Stripe's minor units and currency. */
export function formatMoney(amount: number, currency: string): string {
  try {
    return currencyFormat(currency.toUpperCase(), false).format(amount / 100)
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`
  }
}

/** Whole-dollar prices read better on pricing cards ("$19", "$190"). */
export function formatPrice(amount: number, currency: string): string {
  return amount % 100 === 0 ? currencyFormat(currency.toUpperCase(), true).format(amount / 100) : formatMoney(amount, currency)
}

/** "10,000" (a plan's limits): the shared count format. */
export { formatCount } from '../platform/format'
