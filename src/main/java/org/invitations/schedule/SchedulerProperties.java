package org.invitations.schedule;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The scheduler of specs with a {@code schedule:}.
 *
 * @param enabled run scheduled specs in this process ({@code serve} turns it on)
 * @param folder the folder whose {@code *.yml} specs are scheduled (not its subfolders)
 * @param poll how often the folder is looked at for new, changed or removed specs
 * @param catchUp on start, run once a spec whose last trigger passed while no scheduler
 * was running
 * @param threads scheduled runs that may go on at the same time
 */
@ConfigurationProperties("invitations.scheduler")
public record SchedulerProperties(@DefaultValue("false") boolean enabled, @DefaultValue("jobs") Path folder,
		@DefaultValue("30s") Duration poll, @DefaultValue("true") boolean catchUp, @DefaultValue("2") int threads) {
}
