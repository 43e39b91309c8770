import type { Command } from 'commander'
export function registerCrawl(program: Command): void {
  program.command('crawl').description('crawl')
}
