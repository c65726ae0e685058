package org.invitations.delivery;

import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.batch.infrastructure.item.database.Order;
import org.springframework.batch.infrastructure.item.database.builder.JdbcPagingItemReaderBuilder;

import org.invitations.spec.Kind;

/**
 * Reads the invitations a job instance still has to send (its own, or those a resend run took over) (QUEUED, or SENDING when a crash interrupted them),
 * keyset-paged by id.
 */
public final class PendingInvitationReaders {

	private PendingInvitationReaders() {
	}

	public static JdbcPagingItemReader<PendingInvitation> reader(DataSource dataSource, long jobInstanceId,
			int pageSize) throws Exception {
		return new JdbcPagingItemReaderBuilder<PendingInvitation>().name("pendingInvitationReader")
			.dataSource(dataSource)
			.selectClause("id, person_id, kind, ttl_seconds, email, first_name, last_name, role")
			.fromClause("""
					(SELECT i.id, i.person_id, i.kind, i.status, i.delivery_instance_id,
					        extract(epoch FROM i.token_ttl)::bigint AS ttl_seconds,
					        p.email, p.first_name, p.last_name, r.name AS role
					 FROM invitation i JOIN person p ON p.id = i.person_id LEFT JOIN role r ON r.id = i.role_id) AS pending""")
			.whereClause("delivery_instance_id = :instance AND status IN ('QUEUED', 'SENDING')")
			.parameterValues(Map.of("instance", jobInstanceId))
			.sortKeys(Map.of("id", Order.ASCENDING))
			.pageSize(pageSize)
			// Rows change state as they are sent; keyset paging (id > last) is unaffected by that.
			.saveState(false)
			.rowMapper((rs, rowNum) -> new PendingInvitation(rs.getLong("id"), rs.getLong("person_id"),
					Kind.valueOf(rs.getString("kind")), Duration.ofSeconds(rs.getLong("ttl_seconds")),
					rs.getString("email"), rs.getString("first_name"), rs.getString("last_name"), rs.getString("role")))
			.build();
	}

	/** How many are left to send, for progress. */
	public static String countSql() {
		return "SELECT count(*) FROM invitation WHERE delivery_instance_id = ? AND status IN ('QUEUED', 'SENDING')";
	}

}
