import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { HTTPException } from 'hono/http-exception'
import type { ErrorHandler, NotFoundHandler } from 'hono'
import { databaseLimitOf, isDatabaseUnavailable } from './db-coalesce'
import { ConfigError } from './env'
import { isHtmxRequest } from './htmx'
import { createLogger } from './logger'
import type { AppContext, AppEnv } from './types'

interface ErrorView {
  status: ContentfulStatusCode
  title: string
  message: string
}

function ErrorBody({ view }: { view: ErrorView }) {
  return (
    <section class="section">
      <div class="container content">
        <p class="is-size-1 has-text-weight-bold has-text-grey mb-2">{view.status}</p>
        <h1 class="title">{view.title}</h1>
        <p>{view.message}</p>
        <p><a class="button is-primary" href="/">Back to the home page</a></p>
      </div>
    </section>
  )
}

/**
 * The one way to answer with an error: a full page, or for htmx a notification fragment that
 * retargets itself to the flash region so it never replaces a form or a table.
 */
export function renderError(c: AppContext, view: ErrorView): Response | Promise<Response> {
  c.status(view.status)
  if (isHtmxRequest(c)) {
    c.header('HX-Retarget', '#flash-region')
    c.header('HX-Reswap', 'innerHTML')
    return c.html(
      <div class="notification is-danger is-light" role="alert">
        <strong>{view.title}.</strong> {view.message}
      </div>,
    )
  }
  return c.render(<ErrorBody view={view} />, { title: view.title })
}

export const notFoundPage: NotFoundHandler<AppEnv> = (c) =>
  renderError(c, { status: 404, title: 'Page not found', message: 'The page you asked for does not exist or has moved.' })

const CLIENT_ERROR_TITLES: Partial<Record<number, string>> = { 413: 'Too large', 415: 'Unsupported form encoding' }

// Never a stack trace to the user (checklist 18): the details go to the log with the request id. A
// database error is logged by its SQLSTATE and SQL text, never its parameters (platform/logger.ts).
export const errorPage: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof HTTPException && err.status < 500) {
    const message = err.status === 413 ? 'The request is too large.' : err.message || 'The request could not be processed.'
    return renderError(c, { status: err.status as ContentfulStatusCode, title: CLIENT_ERROR_TITLES[err.status] ?? 'Bad request', message })
  }
  const requestId = c.get('requestId') ?? 'unknown'
  const log = c.get('log') ?? createLogger({ fields: { requestId } })
  const unavailable = isDatabaseUnavailable(err)
  log.error(unavailable ? 'database unavailable' : 'unhandled error', {
    path: c.req.path,
    error: err,
    // Frames only: the stack's first lines repeat the message, and a failed query's message lists its parameters.
    stack: err instanceof ConfigError ? undefined : err.stack?.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 5).join('\n'),
  })
  c.header('X-Request-Id', requestId)
  // Postgres down or refusing connections: it passes, so 503 and try again (docs/operations.md, Faults).
  if (unavailable) {
    c.header('Retry-After', '30')
    return renderError(c, { status: 503, title: 'Temporarily unavailable', message: `We cannot reach our database right now. Please try again in a minute (reference ${requestId}).` })
  }
  // A query stopped by a Neon limit (ADR 0009): a timeout may pass (503, try again); too large will not (500).
  const limit = databaseLimitOf(err)
  if (limit === 'timeout') {
    return renderError(c, { status: 503, title: 'This is taking too long', message: `The page took too long to load. Please try again in a moment (reference ${requestId}).` })
  }
  return renderError(c, {
    status: 500,
    title: limit === 'too-large' ? 'Too much to show' : 'Something went wrong',
    message: limit === 'too-large'
      ? `This page has more data than we can show at once. It has been logged with reference ${requestId}.`
      : `We could not complete your request. It has been logged with reference ${requestId}.`,
  })
}
