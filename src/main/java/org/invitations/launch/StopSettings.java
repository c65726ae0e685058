package org.invitations.launch;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long a stop on request may take.
 *
 * @param stopTimeout after SIGTERM or SIGINT, the longest wait for the messages on their
 * way to be finished and recorded before the process ends anyway (the next run then
 * recovers them as in doubt)
 */
@ConfigurationProperties("invitations")
public record StopSettings(@DefaultValue("10s") Duration stopTimeout) {
}
