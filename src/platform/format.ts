// The one UUID check and the date formats the features share (issue 19): every page shows instants the
// same way, in UTC (the server does not know the reader's zone, and a UTC label is never ambiguous).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A route or form parameter that can be a row id: checked before it reaches a uuid column (a 404, not a 500). */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value)

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
const dateOnly = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' })
const timeOnly = new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', timeZone: 'UTC' })

/** "4 Dec 2026, 13:50 UTC": an instant on a page. */
export const formatDateTime = (d: Date): string => `${dateTime.format(d)} UTC`

/** "13:50 UTC": a time later today (when an impersonation ends). */
export const formatTime = (d: Date): string => `${timeOnly.format(d)} UTC`

/** "4 Dec 2026": a calendar day on a page (UTC). */
export const formatDate = (d: Date): string => dateOnly.format(d)

/** "2026-12-04": a UTC day as a key (charts, rows per day, mail props). */
export const formatDay = (d: Date): string => d.toISOString().slice(0, 10)
