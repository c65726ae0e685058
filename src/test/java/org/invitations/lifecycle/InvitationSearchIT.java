package org.invitations.lifecycle;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.invitations.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Invitations page reads invitations past delivery and those queued or sending
 * through different indexes and merges them (V26), and those past delivery by spec and
 * status one range at a time (V27): whatever the filter, it lists, counts and cancels
 * exactly what one plain query over the table finds, newest first, page after page.
 */
class InvitationSearchIT extends IntegrationTest {

	private static final String[] STATUSES = { "SENT", "QUEUED", "FAILED", "SENDING", "ACCEPTED", "DEFERRED",
			"CANCELLED", "EXPIRED", "SENT", "QUEUED" };

	/** Open as a plain query says it: a sent one past its expiry is not. */
	private static final String OPEN = " AND status IN ('QUEUED', 'SENDING', 'SENT', 'DEFERRED')"
			+ " AND NOT (status = 'SENT' AND expires_at <= now())";

	private InvitationSearch search;

	@BeforeEach
	void invitationsOfEveryStatusInTwoRunsAndTwoSpecs() {
		search = context.getBean(InvitationSearch.class);
		jdbc.update("""
				INSERT INTO person (email, email_normalized, first_name, last_name)
				SELECT 'p' || g || '@example.org', 'p' || g || '@example.org', 'P' || g, 'Search'
				FROM generate_series(1, 230) g
				""");
		// Statuses interleaved by id, so that every page mixes the two parts.
		jdbc.update(
				"""
						INSERT INTO invitation (person_id, kind, status, role_id, token_hash, sent_at, expires_at, token_ttl,
						    spec_name, job_instance_id, job_execution_id, delivery_instance_id,
						    attempt_count, email, email_normalized, sending_execution_id, closed_at)
						SELECT p.id, 'INVITATION', s.status, (SELECT id FROM role WHERE name = 'volunteer'),
						       CASE WHEN s.status IN ('SENT', 'ACCEPTED') THEN sha256(convert_to('search' || p.id, 'UTF8')) END,
						       CASE WHEN s.status IN ('SENT', 'ACCEPTED', 'EXPIRED') THEN now() END,
						       -- A quarter of the sent ones are past their expiry: expired, still stored as sent.
						       CASE WHEN s.status = 'SENT' AND p.id % 4 = 0 THEN now() - interval '1 hour'
						            WHEN s.status IN ('SENT', 'ACCEPTED', 'EXPIRED') THEN now() + interval '1 day' END,
						       interval '1 day', CASE WHEN p.id % 3 = 0 THEN 'other' ELSE 'demo' END, 1 + p.id % 2, 1 + p.id % 2,
						       1 + p.id % 2, 1, p.email, p.email_normalized,
						       CASE WHEN s.status = 'SENDING' THEN 1 + p.id % 2 END,
						       CASE WHEN s.status IN ('FAILED', 'ACCEPTED', 'CANCELLED', 'EXPIRED') THEN now() END
						FROM person p, LATERAL (SELECT (?::text[])[1 + p.id % 10] AS status) s
						ORDER BY p.id
						""",
				(Object) STATUSES);
		jdbc.update("""
				INSERT INTO batch_job_instance (job_instance_id, version, job_name, job_key) VALUES
				    (1, 0, 'invitationJob', 'one'), (2, 0, 'invitationJob', 'two')
				""");
		jdbc.update("""
				INSERT INTO batch_job_execution (job_execution_id, version, job_instance_id, create_time, status)
				VALUES (11, 0, 1, now(), 'COMPLETED'), (12, 0, 2, now(), 'COMPLETED')
				""");
		// A fifth of the people also have an older, closed invitation, and a quarter are
		// in
		// a group.
		jdbc.update("""
				INSERT INTO invitation (person_id, kind, status, role_id, token_ttl, spec_name, job_instance_id,
				    job_execution_id, delivery_instance_id, attempt_count, email,
				    email_normalized, closed_at)
				SELECT person_id, kind, 'EXPIRED', role_id, token_ttl, spec_name, job_instance_id, job_execution_id,
				       delivery_instance_id, 1, email, email_normalized, now()
				FROM invitation WHERE person_id % 5 = 0 ORDER BY id
				""");
		// Two specs whose sent invitations are all on one side of their expiry: the
		// lists of pending and of expired ones skip each where it has none.
		jdbc.update("""
				INSERT INTO invitation (person_id, kind, status, token_hash, sent_at, expires_at, token_ttl, spec_name,
				    job_instance_id, job_execution_id, delivery_instance_id, attempt_count, email,
				    email_normalized)
				SELECT p.id, 'PASSWORD_RESET', 'SENT', sha256(convert_to('reset' || p.id, 'UTF8')), now(),
				       CASE WHEN p.id % 7 = 0 THEN now() + interval '1 day' ELSE now() - interval '1 day' END,
				       interval '1 day', CASE WHEN p.id % 7 = 0 THEN 'resets-fresh' ELSE 'resets-stale' END,
				       1 + p.id % 2, 1 + p.id % 2, 1 + p.id % 2, 1, p.email, p.email_normalized
				FROM person p WHERE p.id % 7 = 0 OR p.id % 11 = 0 ORDER BY p.id
				""");
		jdbc.update("INSERT INTO person_group (name) VALUES ('searchers')");
		jdbc.update("""
				INSERT INTO group_member (group_id, person_id)
				SELECT (SELECT id FROM person_group WHERE name = 'searchers'), id FROM person WHERE id % 4 = 0
				""");
	}

	@Test
	void everyFilterListsAndCountsWhatOnePlainQueryFinds() {
		List<InvitationSearch.Filter> filters = new ArrayList<>();
		filters.add(filter(null, null, null));
		filters.add(filter("open", null, null));
		filters.add(filter("pending", null, null));
		filters.add(filter(null, "other", null));
		filters.add(filter(null, null, 12L));
		filters.add(filter("open", "demo", 11L));
		filters.add(filter("open", "other", null));
		// By person: open invitations and closed ones are in different indexes (V28).
		filters.add(new InvitationSearch.Filter(null, null, null, null, "p1", null));
		filters.add(new InvitationSearch.Filter("open", null, null, null, "P2", null));
		filters.add(new InvitationSearch.Filter(null, null, null, "searchers", null, null));
		filters.add(new InvitationSearch.Filter("SENT", "demo", null, "searchers", null, null));
		filters.add(filter("pending", "demo", null));
		filters.add(filter("expired", null, 12L));
		filters.add(filter("expired", "resets-fresh", null));
		filters.add(filter("pending", "resets-stale", null));
		filters.add(filter("pending", "resets-fresh", null));
		filters.add(filter("open", null, 12L));
		for (String status : new String[] { "QUEUED", "SENDING", "SENT", "FAILED", "DEFERRED", "accepted",
				"EXPIRED" }) {
			// A status alone reads each spec's range of the index by spec and status.
			filters.add(filter(status, null, null));
			filters.add(filter(status, "other", null));
			filters.add(filter(status, "demo", 12L));
		}
		int all = jdbc.queryForObject("SELECT count(*) FROM invitation", Integer.class);
		int matchingSome = 0;
		for (InvitationSearch.Filter filter : filters) {
			List<Long> expected = plain(filter, "");
			assertThat(expected).as("%s", filter).hasSizeLessThan(filter.isEmpty() ? all + 1 : all);
			matchingSome += expected.isEmpty() ? 0 : 1;
			List<Long> listed = new ArrayList<>();
			Long before = null;
			List<InvitationSearch.Row> page;
			do {
				page = search.page(filter, before, 17);
				page.forEach(row -> listed.add(row.id()));
				before = page.isEmpty() ? null : page.get(page.size() - 1).id();
			}
			while (page.size() == 17);
			assertThat(listed).as("pages of %s", filter).containsExactlyElementsOf(expected);
			assertThat(search.count(filter)).as("count of %s", filter).isEqualTo(expected.size());
			assertThat(search.countUpTo(filter, 10)).as("capped count of %s", filter)
				.isEqualTo(Math.min(expected.size(), 11));
			assertThat(search.countOpen(filter)).as("open of %s", filter).isEqualTo(plain(filter, OPEN).size());
			assertThat(search.specs(filter)).as("specs of %s", filter)
				.containsExactlyElementsOf(
						jdbc.queryForList("SELECT DISTINCT spec_name FROM invitation WHERE id = ANY(?)" + " ORDER BY 1",
								String.class, (Object) expected.toArray(Long[]::new)));
		}
		assertThat(matchingSome).isGreaterThan(filters.size() * 3 / 4);
	}

	@Test
	void aBulkCancelTakesTheOpenOnesOfBothPartsOnlyIfTheirNumberIsTheConfirmedOne() {
		// The sent ones, some past their expiry, are all in this run.
		InvitationSearch.Filter run = filter(null, null, 11L);
		long open = search.countOpen(run);
		assertThat(open).isEqualTo(plain(run, OPEN).size());
		assertThat(plain(run, " AND status = 'SENT' AND expires_at <= now()")).isNotEmpty();

		assertThatIllegalStateException().isThrownBy(() -> search.cancel(run, open - 1, "test", "wrong count"))
			.withMessageContaining(open + " open invitations match now");
		assertThat(search.countOpen(run)).isEqualTo(open);

		assertThat(search.cancel(run, open, "test", "bulk")).isEqualTo(open);
		assertThat(search.countOpen(run)).isZero();
		// The expired ones were not open: not cancelled.
		assertThat(plain(run, " AND status = 'SENT' AND expires_at <= now()")).isNotEmpty();
		assertThat(search.countOpen(filter(null, null, 12L))).isPositive();
		assertThat(jdbc.queryForObject("SELECT count(*) FROM invitation_history WHERE type = 'CANCELLED'", Long.class))
			.isEqualTo(open);
	}

	private static InvitationSearch.Filter filter(String status, String spec, Long execution) {
		return new InvitationSearch.Filter(status, spec, execution, null, null, null);
	}

	/** The same filter as one query over the table, newest first. */
	private List<Long> plain(InvitationSearch.Filter filter, String more) {
		StringBuilder where = new StringBuilder("WHERE true");
		List<Object> args = new ArrayList<>();
		if (filter.status() != null) {
			switch (filter.status().toLowerCase()) {
				case "open" -> where.append(OPEN);
				case "pending" -> where.append(" AND status = 'SENT' AND expires_at > now()");
				default -> {
					// As readers see it: sent and past its expiry is expired.
					where.append(
							" AND CASE WHEN status = 'SENT' AND expires_at <= now() THEN 'EXPIRED' ELSE status END = ?");
					args.add(filter.status().toUpperCase());
				}
			}
		}
		if (filter.spec() != null) {
			where.append(" AND spec_name = ?");
			args.add(filter.spec());
		}
		if (filter.email() != null) {
			where.append(" AND lower(email) LIKE ?");
			args.add(filter.email().toLowerCase() + "%");
		}
		if (filter.group() != null) {
			where.append(" AND person_id IN (SELECT person_id FROM group_member)");
		}
		if (filter.execution() != null) {
			where.append(" AND job_instance_id = ?");
			args.add(filter.execution() - 10);
		}
		return jdbc.queryForList("SELECT id FROM invitation " + where + more + " ORDER BY id DESC", Long.class,
				args.toArray());
	}

}
