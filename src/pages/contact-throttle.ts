import { consumeBucket, type ThrottleDecision } from '../auth'

/**
 * Every contact message queues a mail to the admin, from the same sending quota that verification and
 * reset mail need (issue 9, finding 3; checklist 23). Exact per-IP fixed window in the AuthThrottle
 * Durable Object, as for login: ten messages an hour is far above what a person writes and keeps an
 * office behind one address working.
 */
export const CONTACT_IP_LIMIT = { max: 10, windowSeconds: 60 * 60 }

export function consumeContactAllowance(env: Env, ip: string, now: Date): Promise<ThrottleDecision> {
  return consumeBucket(env, `contact-ip:${ip}`, CONTACT_IP_LIMIT, now)
}

export function contactThrottleMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60))
  return `You have sent several messages in a short time. Please try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}; what you wrote is still in the form.`
}
