import { z } from 'zod'
import type { Database } from '../platform/db'
import { contactMessages, type ContactMessage } from './schema'

// Limits keep one message well under the route's body limit and a mail provider's size caps.
export const contactInputSchema = z.object({
  name: z.string().trim().min(1, 'Please tell us your name.').max(100, 'Your name must be at most 100 characters.'),
  email: z.string().trim().max(254, 'That email address is too long.').pipe(z.email('Please enter a valid email address.')),
  subject: z.string().trim().min(1, 'Please add a subject.').max(150, 'The subject must be at most 150 characters.'),
  message: z.string().trim().min(10, 'Your message must be at least 10 characters.').max(5000, 'Your message must be at most 5,000 characters.'),
})

export type ContactInput = z.infer<typeof contactInputSchema>

export async function createContactMessage(db: Database, input: ContactInput): Promise<ContactMessage> {
  const [row] = await db.insert(contactMessages).values(input).returning()
  return row
}

/** The dev seed's sample message (fixed id: seeding twice changes nothing). */
export async function seedDemoContactMessage(db: Database): Promise<void> {
  await db
    .insert(contactMessages)
    .values({
      id: '00000000-0000-4000-8000-000000000001',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      subject: 'Hello from the seed',
      message: 'This message was created by the dev seed (`quickscale db seed`) so that the admin area has something to show.',
    })
    .onConflictDoNothing()
}
