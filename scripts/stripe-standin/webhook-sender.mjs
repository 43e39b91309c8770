// The stand-in's webhooks: each event is signed like Stripe's and collected; with `deliver`, an operation's
// events go out when it ends (release), all at once in a random order as Stripe documents
// (https://docs.stripe.com/webhooks#event-ordering), or one by one in emission order ('sequential').
import { makeEvent } from './objects.mjs'
import { randomId, signPayload } from './wire.mjs'

/** Options as in createStripeStandin (standin.mjs); `seconds` is its clock in whole seconds. */
export function createWebhookSender({ webhookSecret, deliver, delivery, random, seconds }) {
  const events = []
  const batch = []
  const inFlight = new Set()

  async function send(event) {
    const payload = JSON.stringify(event, null, 2)
    await deliver(event, payload, await signPayload(payload, webhookSecret, seconds()))
  }

  async function emit(type, object, previousAttributes) {
    const event = makeEvent({ id: `evt_${randomId(24)}`, type, object, previousAttributes, created: seconds() })
    events.push(event)
    if (deliver && delivery === 'sequential') await send(event)
    else if (deliver) batch.push(event)
    return event
  }

  /** End of an operation: its events go out together, in a random order, without holding up the caller. */
  function release() {
    const shuffled = batch.splice(0)
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]]
    }
    for (const event of shuffled) {
      const sending = send(event).catch(() => undefined).finally(() => inFlight.delete(sending))
      inFlight.add(sending)
    }
  }

  return {
    events,
    emit,
    release,
    /** Resolves when every webhook released so far has been answered (tests, shutdown). */
    idle: async () => { while (inFlight.size > 0) await Promise.all([...inFlight]) },
  }
}
