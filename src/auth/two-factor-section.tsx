import type { SettingsSection } from '../platform/feature'
import { configOf } from '../platform/types'
import { getTwoFactorState, type TwoFactorState } from './two-factor'
import { twoFactorConfigured } from './two-factor-keys'
import { TwoFactorSection } from './views/two-factor'

/** Two-factor on /settings (issue 22): auth contributes it like any feature's section. */
export const twoFactorSettingsSection: SettingsSection<TwoFactorState> = {
  id: 'two-factor',
  title: 'Two-factor authentication',
  order: 10,
  load: (db, user) => getTwoFactorState(db, user.id),
  render: (state, c) => <TwoFactorSection state={state} hasPassword={(c.get('user')?.passwordHash ?? null) !== null} configured={twoFactorConfigured(configOf(c))} />,
}
