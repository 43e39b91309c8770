import { bodyLimit } from 'hono/body-limit'
import { renderError } from '../../platform/errors'

// Auth forms are small; 64 KiB still lets a 10 kB password through so that it gets the policy's clear
// message ("at most 256 characters") rather than a 413.
export const authBodyLimit = bodyLimit({
  maxSize: 64 * 1024,
  onError: (c) => renderError(c, { status: 413, title: 'Request too large', message: 'This form submission is too large.' }),
})
