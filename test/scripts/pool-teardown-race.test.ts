import { execFile } from 'node:child_process'
import path from 'node:path'
import assert from 'node:assert'
import { describe, expect, it } from 'vitest'
import { isLateRunnerMessage } from '../setup/pool-teardown-race'

// The workaround for the vitest pool's teardown race (test/setup/pool-teardown-race.ts), in a Node process
// of its own: the one late message is dropped, anything else still ends the process.
const MODULE = path.resolve(__dirname, '../setup/pool-teardown-race.ts')

function runNode(body: string): Promise<{ code: number; stderr: string }> {
  const script = `import assert from 'node:assert'\nimport { ignoreLateRunnerMessages } from ${JSON.stringify(MODULE)}\nignoreLateRunnerMessages()\n${body}`
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }, (err, _stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr: String(stderr) })
    })
  })
}

describe('the vitest pool teardown race', () => {
  it('recognises only the pool\'s late-message assertion', () => {
    let late: unknown
    try { (() => { throw new assert.AssertionError({ message: 'Message received from Worker before initialisation' }) })() } catch (err) { late = err }
    expect(isLateRunnerMessage(late)).toBe(true)
    expect(isLateRunnerMessage(new Error('Message received from Worker before initialisation'))).toBe(false)
    expect(isLateRunnerMessage(new assert.AssertionError({ message: 'something else' }))).toBe(false)
  })

  it('drops the late message thrown from an event listener, and the process goes on', async () => {
    const run = await runNode(`process.nextTick(() => assert(undefined, 'Message received from Worker before initialisation'))\nsetTimeout(() => console.error('still running'), 50)`)
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('dropped a message from a workerd runner that was being stopped')
    expect(run.stderr).toContain('still running')
  })

  it('any other uncaught exception still ends the process with exit code 1 and its stack', async () => {
    const run = await runNode(`process.nextTick(() => { throw new Error('a real failure') })\nsetTimeout(() => console.error('still running'), 50)`)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('a real failure')
    expect(run.stderr).not.toContain('still running')
  })
})
