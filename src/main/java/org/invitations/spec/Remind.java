package org.invitations.spec;

import java.time.Duration;

/**
 * An expiry spec's reminder: one email to each sent, unaccepted invitation that expires
 * within {@code before}, sent once.
 *
 * @param before how long before its expiry an invitation is reminded
 * @param template the template set holding {@code invitation-reminder} and
 * {@code password-reset-reminder}
 * @param minRemaining an invitation closer to its expiry than this is not reminded any
 * more (the link would expire before the reminder is read)
 */
public record Remind(Duration before, String template, Duration minRemaining) {
}
