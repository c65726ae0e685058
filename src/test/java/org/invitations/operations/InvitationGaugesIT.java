package org.invitations.operations;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import org.invitations.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

class InvitationGaugesIT extends IntegrationTest {

	@Test
	void aSentInvitationPastItsExpiryCountsAsExpiredBeforeTheExpiryJob() {
		jdbc.update("""
				INSERT INTO person (email, email_normalized, first_name, last_name)
				SELECT 'g' || g || '@example.org', 'g' || g || '@example.org', 'G' || g, 'Gauge'
				FROM generate_series(1, 5) g
				""");
		// Three sent, one of them past its expiry an hour ago; one stored as expired; one
		// expiring tomorrow morning.
		jdbc.update("""
				INSERT INTO invitation (person_id, kind, status, token_hash, sent_at, expires_at, closed_at, token_ttl,
				    spec_name, job_instance_id, job_execution_id, delivery_instance_id,
				    email, email_normalized)
				SELECT p.id, 'INVITATION', CASE WHEN n = 4 THEN 'EXPIRED' ELSE 'SENT' END,
				       CASE WHEN n <> 4 THEN sha256(convert_to('gauge' || p.id, 'UTF8')) END, now() - interval '2 days',
				       CASE n WHEN 1 THEN now() - interval '1 hour' WHEN 4 THEN now() - interval '1 day'
				              WHEN 5 THEN now() + interval '12 hours' ELSE now() + interval '3 days' END,
				       CASE WHEN n = 4 THEN now() - interval '1 day' END,
				       interval '3 days', 'gauge', 1, 1, 1, p.email, p.email_normalized
				FROM (SELECT p.*, row_number() OVER (ORDER BY p.id) AS n FROM person p
				      WHERE p.email_normalized LIKE 'g%@example.org') p
				""");
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new InvitationGauges(registry, jdbc, new MockEnvironment()).afterSingletonsInstantiated();

		assertThat(registry.get("invitations.by_status").tag("status", "SENT").gauge().value()).isEqualTo(3);
		assertThat(registry.get("invitations.by_status").tag("status", "EXPIRED").gauge().value()).isEqualTo(2);
		assertThat(registry.get("invitations.pending.expiring").gauge().value()).isEqualTo(1);
	}

}
