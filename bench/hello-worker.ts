// The baseline for `npm run bench`: the smallest Hono worker, served by the same wrangler/workerd as
// the product. Not part of the product and never deployed.
import { Hono } from 'hono'

const app = new Hono()
app.get('/', (c) => c.text('Hello, world'))

export default app
