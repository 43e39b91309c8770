import type { Feature } from '../platform/feature'
import { configOf } from '../platform/types'
import { allowProviderRedirects } from './csp'
import { countLinkedAccounts, deleteOAuthRows, listLinkedAccounts } from './accounts'
import { configuredProviders, type ProviderId } from './providers'
import { oauthRoutes } from './routes'
import { ContinueButton, LinkedProvidersSection, type LinkedSectionData } from './views'

// Sign-in with GitHub and Google (issue 22; docs/auth.md, ADR 0099): OAuth 2.0 / OIDC through arctic, a
// provider offered only when its keys are set, accounts linked only by proof (signed in, or the mailed
// confirmation), and a local stand-in for development and tests (scripts/oauth-standin).
export type { ProviderId } from './providers'

export const oauthFeature: Feature = {
  name: 'oauth',
  routes: oauthRoutes,
  middleware: [allowProviderRedirects],
  signInOptions: [
    {
      id: 'oauth',
      order: 10,
      render: (c, { next }) => {
        const providers = configuredProviders(configOf(c))
        if (providers.length === 0) return null
        return <>{providers.map((provider) => <ContinueButton provider={provider} next={next} />)}</>
      },
    },
  ],
  // Each linked provider is a way in: unlinking (here) and removing a passkey or password count them.
  signInMethods: [{ id: 'oauth', count: countLinkedAccounts }],
  settingsSections: [
    {
      id: 'linked-accounts',
      title: 'Linked accounts',
      order: 20,
      load: async (db, user, env): Promise<LinkedSectionData> => {
        const accounts = await listLinkedAccounts(db, user.id)
        // A provider whose keys were removed still shows its link, so it can be unlinked.
        const available = [...new Set<ProviderId>([...configuredProviders(env), ...accounts.map((a) => a.provider as ProviderId)])]
        return { accounts, available }
      },
      render: (data, c) => <LinkedProvidersSection data={data} c={c} />,
    },
  ],
  accountCleanups: [{ name: 'oauth', run: (db, user) => deleteOAuthRows(db, user.id) }],
}
