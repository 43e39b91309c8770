import readline from 'node:readline/promises'

export async function confirm(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout })
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim())
  } finally {
    rl.close()
  }
}

/** Reads a password without echoing it (the terminal shows nothing while typing). */
export async function askHidden(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true })
  const output = rl as unknown as { _writeToOutput: (s: string) => void }
  let muted = false
  output._writeToOutput = (s: string) => { if (!muted) process.stdout.write(s) }
  try {
    const answer = rl.question(question)
    muted = true
    return await answer
  } finally {
    process.stdout.write('\n')
    rl.close()
  }
}
