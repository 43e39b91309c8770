import type { Feature } from '../platform/feature'
import { loadSession } from './guards'
import { authRoutes } from './routes'
import { verifyEmailBanner } from './views/verify-banner'
import { deletingAccountsPanel, signupChartPanel, userFiguresPanel } from './admin-panels'
import { accountDeletionQueues } from './account-deletion'
import { passwordSignInMethod } from './sign-in'
import { twoFactorSettingsSection } from './two-factor-section'
import { LACKS_REQUIRED_2FA_FIELD, lacksRequiredTwoFactorField } from './two-factor-policy'

// Accounts (docs/auth.md). Other features use the guards and the User type from here, never auth's
// modules directly (the boundary test in test/scripts/feature-boundaries.test.ts holds that).
export { refuseWhileImpersonating, requireAdmin, requireUser, requireVerified } from './guards'
// Credentials other features derive from an account end with its security events (checklist 35).
export type { CredentialEndReason, CredentialsEndedEvent, EndedCredential } from './credentials'
export { credentialEnding, reportEndedCredentials } from './credentials'
export { getUserById } from './user'
// Provider sign-in (src/oauth) finds an account by address and makes passwordless ones.
export { createPasswordlessUser, getUserByEmail } from './user'
export type { User } from './schema'
export { AuthThrottle } from './auth-throttle'
// Exact per-key fixed windows for other features' own limits (the contact form's, issue 9).
export { consumeBucket, throttleMessage, type ThrottleDecision } from './auth-throttle'
// For the `quickscale` CLI (src/cli): admin accounts and the dev seed go through auth's own hashing and schema.
export { createAdminAccount, promoteToAdmin, seedDevAccounts, type DevAccount } from './admin-accounts'
export { emailSchema } from './user'
export { passwordSchema } from './password'

// For the admin area (issue 13): accounts, roles, sessions and impersonation stay auth's; admin acts on
// them only through these.
export { loadSession } from './guards'
export { recordAuthAudit } from './audit'
export { reauthenticate } from './reauth'
export {
  changeUserRole, countSignupsByDay, deactivateUser, getUserFigures, LastAdminError,
  reactivateUser, searchUsers, USERS_PAGE_SIZE, type UserListRow, type UserSearch, type UserSearchExtras, type UserSort,
} from './account-admin'
// Account deletion, a saga (ADR 0084): settings and the admin ask for it; the admin retries a stuck one.
export { requestAccountDeletion, retryAccountDeletion, listDeletingAccounts, type DeletingAccount } from './account-deletion'
export { endExpiredImpersonations, startImpersonation, stopImpersonation, type ImpersonationRefusal } from './impersonation'
export { listUserSessions, setSessionCookie, deleteSessionCookie, IMPERSONATION_MAX_MS, type SessionListRow } from './session'
export { sendVerificationEmail } from './routes/verify-email'
export { getPendingVerification } from './email-verification'
// Names and emails where other features keep a user id, in their own query (issue 20).
export { personFields, userIdsWithEmail, type PersonFields } from './people'
export type { Role, SessionRow } from './schema'
// Sign-in methods other features add (issue 22): they end through completeSignIn (two-factor step,
// session, audit) and remove a way in only through removeSignInMethod (never the last; atomic).
export { completeSignIn, countSignInMethods, describeSignIn, removeSignInMethod, signInRefusal, type SignInMethodRemoval } from './sign-in'
export { sendSecurityNotice } from './mail'
// The same `?next=` rule for every method's end (open redirects, checklist 17).
export { safeNextPath } from './redirect'
export type { SignInMethod } from './session'
// Two-factor policy for admins (issue 22): the setting is auth's; the admin area shows and switches it
// (src/admin/auth-settings.tsx).
export { isAdminTwoFactorRequired, setAdminTwoFactorRequired } from './two-factor-policy'
export { isTwoFactorEnabled } from './sign-in'

export const authFeature: Feature = {
  name: 'auth',
  routes: authRoutes,
  middleware: [loadSession],
  nav: [
    { href: '/settings', label: 'Settings', audience: 'user', position: 'account', icon: 'settings', order: 0 },
    { href: '/logout', label: 'Log out', audience: 'user', position: 'account', icon: 'log-out', method: 'post', order: 100 },
    { href: '/signup', label: 'Sign up', audience: 'visitor', position: 'end', variant: 'button-primary', order: 0 },
    { href: '/login', label: 'Log in', audience: 'visitor', position: 'end', variant: 'button-light', order: 1 },
  ],
  banners: [verifyEmailBanner],
  dashboardCards: [
    {
      id: 'settings',
      title: 'Settings',
      order: 90,
      render: () => (
        <>
          <p>Your name, email, password and active sessions.</p>
          <p class="mt-3"><a href="/settings">Open settings</a></p>
        </>
      ),
    },
  ],
  signInMethods: [passwordSignInMethod],
  settingsSections: [twoFactorSettingsSection],
  viewerFields: { [LACKS_REQUIRED_2FA_FIELD]: lacksRequiredTwoFactorField },
  durableObjects: ['AuthThrottle'],
  queues: accountDeletionQueues,
  adminPanels: [userFiguresPanel, signupChartPanel, deletingAccountsPanel],
}
