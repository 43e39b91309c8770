// Normal output goes to stdout, problems to stderr, so `quickscale … > file` still shows the errors.
export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`)
}

export function printError(text: string): void {
  process.stderr.write(`${text}\n`)
}
