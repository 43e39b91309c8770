import { AuthPage } from './components'

// What requireVerified shows instead of a bare 403.
export function VerifyRequiredPage({ email }: { email: string }) {
  return (
    <AuthPage title="Verify your email first" subtitle="This part of the app needs a confirmed email address.">
      <div class="content">
        <p>We sent a code and a link to <strong>{email}</strong>. Confirm your address, then come back.</p>
        <p><a class="button is-primary" href="/verify-email">Verify my email</a></p>
      </div>
    </AuthPage>
  )
}
