// A baseline for `npm run bench` (issue 23): a bare Hono worker that answers `/` with as many bytes as the
// product's home page and the same response headers (the bench reads both from the product and passes them
// as PAGE_BYTES and PAGE_HEADERS, the headers as base64 JSON: a CSP's quotes survive no env file), a fresh request id per response as the product makes. What is left
// between the home page and this is the app's own work; what is left between this and hello is the cost of
// sending a real page. Not part of the product and never deployed.
import { Hono } from 'hono'

type PageEnv = { Bindings: { PAGE_BYTES: string; PAGE_HEADERS: string } }

let page: { body: string; headers: Record<string, string> } | null = null

const app = new Hono<PageEnv>()
app.get('/', (c) => {
  page ??= { body: `<!DOCTYPE html>${'a'.repeat(Math.max(0, Number(c.env.PAGE_BYTES) - 15))}`, headers: JSON.parse(atob(c.env.PAGE_HEADERS)) as Record<string, string> }
  return new Response(page.body, { headers: { ...page.headers, 'x-request-id': crypto.randomUUID() } })
})

export default app
