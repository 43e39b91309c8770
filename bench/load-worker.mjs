// One autocannon round in a process of its own (bench/run.mjs `load`, via fork): the bench process also
// serves the local database's SQL-over-HTTP endpoint and ws bridge, and a load generator on that same
// event loop delayed every query of the signed-in pages it was measuring. (Not a worker thread: autocannon
// run inside one takes itself for one of its own workers and reports raw histograms.)
import autocannon from 'autocannon'

const { url, headers, connections, amount } = JSON.parse(process.argv[2])
const reply = (message) => process.send(message, () => process.exit(0))
let count = 0
let first = 0
let last = 0
// The rate comes from our own clock between the first and the last response: autocannon's own duration
// is rounded to its 1 s sampling tick, which would quantise short rounds.
const instance = autocannon({ url, headers, connections, amount }, (err, result) => {
  if (err) return reply({ error: String(err?.message ?? err) })
  reply({
    rate: count > 1 ? (count - 1) / ((last - first) / 1000) : 0,
    latency: { p50: result.latency.p50, p99: result.latency.p99 },
    requests: { total: result.requests.total },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })
})
instance.on('response', () => {
  const now = performance.now()
  if (count === 0) first = now
  last = now
  count++
})
