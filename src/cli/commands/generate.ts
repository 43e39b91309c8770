import type { Command } from 'commander'
export function registerGenerate(program: Command): void {
  program.command('generate').description('scaffold code')
}
