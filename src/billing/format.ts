/** "$19.00" from Stripe's minor units and currency. */
export function formatMoney(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(amount / 100)
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`
  }
}

/** Whole-dollar prices read better on pricing cards ("$19", "$190"). */
export function formatPrice(amount: number, currency: string): string {
  return amount % 100 === 0
    ? new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase(), maximumFractionDigits: 0 }).format(amount / 100)
    : formatMoney(amount, currency)
}

export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++ }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`
}
