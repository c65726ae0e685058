package org.invitations.console;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the console.
 *
 * @param jobs the folder whose specs the Specs page lists and launches
 * @param pageSize rows per page of the Runs, Run and Invitations pages
 */
@ConfigurationProperties("invitations.console")
public record ConsoleProperties(@DefaultValue("jobs") Path jobs, @DefaultValue("50") int pageSize) {
}
