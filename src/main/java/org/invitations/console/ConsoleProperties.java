package org.invitations.console;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the console.
 *
 * @param jobs the folder whose specs the Specs page lists and launches
 * @param pageSize rows per page of the Runs, Run, Invitations and People pages
 * @param sends where the sends made in the console (people chosen on the People page,
 * files uploaded) keep their specs and import files; {@code console-sends} under the home
 * folder when not set
 * @param baseSpec the spec of the jobs folder whose settings (link, sender, lifetime) a
 * send made in the console takes unless the sender picks another; the first valid one
 * when not set
 */
@ConfigurationProperties("invitations.console")
public record ConsoleProperties(@DefaultValue("jobs") Path jobs, @DefaultValue("50") int pageSize, @Nullable Path sends,
		@Nullable String baseSpec) {
}
