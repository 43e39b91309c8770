import { formBodyLimit } from '../platform/forms'

// Buttons that post no fields (log out, resend a code, sign out a session) read no body, but an
// oversized one still gets a 413 before any work is done (issue 9: every auth route answers 413).
// Not a form route: the malformed-forms table (formBodyLimit directly on the route) leaves these out.
export const buttonBodyLimit = formBodyLimit({ maxSize: 8 * 1024 })
