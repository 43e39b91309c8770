import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { HTTPException } from 'hono/http-exception'
import type { ErrorHandler, NotFoundHandler } from 'hono'
import { ConfigError } from './env'
import { isHtmxRequest } from './htmx'
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

// Never a stack trace to the user (checklist 18): the details go to the log with the request id.
export const errorPage: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof HTTPException && err.status < 500) {
    const message = err.status === 413 ? 'The request is too large.' : err.message || 'The request could not be processed.'
    return renderError(c, { status: err.status as ContentfulStatusCode, title: err.status === 413 ? 'Too large' : 'Bad request', message })
  }
  const requestId = c.get('requestId') ?? 'unknown'
  console.error(JSON.stringify({
    level: 'error', requestId, path: c.req.path, error: err.message, name: err.name,
    stack: err instanceof ConfigError ? undefined : err.stack,
  }))
  c.header('X-Request-Id', requestId)
  return renderError(c, {
    status: 500,
    title: 'Something went wrong',
    message: `We could not complete your request. It has been logged with reference ${requestId}.`,
  })
}
