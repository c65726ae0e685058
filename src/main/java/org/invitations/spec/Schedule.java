package org.invitations.spec;

import java.time.ZoneId;

import org.springframework.scheduling.support.CronExpression;

/**
 * When a spec runs by itself under {@code serve}: a Spring cron expression (six fields,
 * seconds first) in a time zone.
 *
 * @param cron the expression as written, e.g. {@code 0 0 2 * * *}
 * @param expression the parsed expression
 * @param zone the time zone the expression is read in
 */
public record Schedule(String cron, CronExpression expression, ZoneId zone) {
}
