import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * Who looks at the App Home dashboard: the people who opened it recently get it refreshed when something it shows
 * changes, each at most once per HOME_REFRESH_MIN_SECONDS (published_at), and only when something did (stale_since).
 */
export const homeViewers = pgTable(
  'home_viewers',
  {
    /** Slack user id. */
    userId: text('user_id').primaryKey(),
    /** The latest app_home_opened of this person. */
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    /** The latest views.publish of their dashboard (claimed before it is sent). */
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** Since when their dashboard misses a change; null when it is up to date. */
    staleSince: timestamp('stale_since', { withTimezone: true }),
  },
  (t) => [index('home_viewers_opened_idx').on(t.openedAt)],
)
