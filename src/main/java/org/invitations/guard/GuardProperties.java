package org.invitations.guard;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The guard's default.
 *
 * @param maxRecipients the most emails a run of a spec without {@code max-recipients:}
 * sends without {@code --confirm}; unset for no limit
 */
@ConfigurationProperties("invitations")
public record GuardProperties(Long maxRecipients) {
}
