import type { AdminPanel } from '../platform/feature'
import { Stat, StatRow } from '../platform/admin-ui'
import { formatBytes } from '../platform/format'
import { getTotalStorage } from './service'

// The overview's storage figures (issue 13: "storage used"), from files' own table.
export const storageAdminPanel: AdminPanel<Awaited<ReturnType<typeof getTotalStorage>>> = {
  id: 'storage',
  title: 'Storage',
  order: 40,
  load: (db) => getTotalStorage(db),
  render: (total) => (
    <StatRow>
      <Stat label="Storage used" value={formatBytes(total.bytes)} />
      <Stat label="Files" value={total.files} />
      <Stat label="Accounts storing files" value={total.accounts} />
    </StatRow>
  ),
}
