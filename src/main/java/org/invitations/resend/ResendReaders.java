package org.invitations.resend;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.batch.infrastructure.item.database.Order;
import org.springframework.batch.infrastructure.item.database.builder.JdbcPagingItemReaderBuilder;

import org.invitations.invitation.InvitationStatus;
import org.invitations.spec.Kind;

/**
 * Reads a spec's invitations that match a resend filter, keyset-paged by invitation id.
 */
public final class ResendReaders {

	private ResendReaders() {
	}

	public static JdbcPagingItemReader<ResendCandidate> reader(DataSource dataSource, String specName,
			ResendFilter filter, int pageSize) throws Exception {
		Map<String, Object> parameters = new HashMap<>();
		parameters.put("spec", specName);
		String where = "spec_name = :spec AND " + filter.where(parameters);
		return new JdbcPagingItemReaderBuilder<ResendCandidate>().name("resendReader")
			.dataSource(dataSource)
			.selectClause(
					"id, person_id, email, email_normalized, kind, shown_status, attempt_count, last_sent_at, email_active,"
							+ " last_login_at, has_token")
			.fromClause(
					"""
							(SELECT i.id, i.person_id, i.spec_name, i.job_instance_id, i.kind, i.status, i.attempt_count,
							        %s AS shown_status,
							        i.expires_at, coalesce(i.sent_at, i.resent_at) AS last_sent_at, i.token_hash IS NOT NULL AS has_token,
							        p.email, p.email_normalized, p.email_active, p.last_login_at
							 FROM invitation i JOIN person p ON p.id = i.person_id) AS candidates"""
						.formatted(InvitationStatus.shownSql("i")))
			.whereClause(where)
			.parameterValues(parameters)
			.sortKeys(Map.of("id", Order.ASCENDING))
			.pageSize(pageSize)
			.rowMapper((rs, n) -> new ResendCandidate(rs.getLong("id"), rs.getLong("person_id"), rs.getString("email"),
					rs.getString("email_normalized"), Kind.valueOf(rs.getString("kind")), rs.getString("shown_status"),
					rs.getInt("attempt_count"), instant(rs.getTimestamp("last_sent_at")), rs.getBoolean("email_active"),
					instant(rs.getTimestamp("last_login_at")), rs.getBoolean("has_token")))
			.build();
	}

	/** How many invitations the filter matches, for progress. */
	public static long count(DataSource dataSource, String specName, ResendFilter filter) {
		Map<String, Object> parameters = new HashMap<>();
		parameters.put("spec", specName);
		String where = "spec_name = :spec AND " + filter.where(parameters);
		Long count = new org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate(dataSource).queryForObject(
				"SELECT count(*) FROM (SELECT i.id, i.person_id, i.spec_name, i.job_instance_id, i.status, i.expires_at,"
						+ " p.email_normalized FROM invitation i JOIN person p ON p.id = i.person_id) c WHERE " + where,
				parameters, Long.class);
		return count == null ? 0 : count;
	}

	private static java.time.Instant instant(Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}

}
