// What `cloudflare:workers` offers inside workerd, reduced to what lets the app's modules *load* in Node
// (the CLI imports feature entries such as src/auth, whose Durable Object class extends DurableObject).
// Nothing here runs a Worker: calling into these stand-ins outside workerd is a bug, and says so.
export class DurableObject {
  constructor(ctx, env) {
    this.ctx = ctx
    this.env = env
  }
}
export class WorkerEntrypoint {
  constructor(ctx, env) {
    this.ctx = ctx
    this.env = env
  }
}
export class WorkflowEntrypoint extends WorkerEntrypoint {}
export const env = new Proxy({}, { get: (_t, name) => { throw new Error(`cloudflare:workers env.${String(name)} is not available outside workerd`) } })
