package org.invitations.schedule;

import java.nio.file.Path;

import org.invitations.spec.Schedule;

/**
 * A spec file with a schedule.
 *
 * @param file the spec file
 * @param key the name its runs are recorded under: the spec's name, or
 * {@code expiry:NAME} for an expiry spec
 * @param expiry whether it is an expiry spec
 * @param schedule when it runs
 * @param modified the file's modification time when it was read, to notice a change
 */
record ScheduledSpec(Path file, String key, boolean expiry, Schedule schedule, long modified) {
}
