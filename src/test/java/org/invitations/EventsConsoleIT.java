package org.invitations;

import java.net.http.HttpClient;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Events page: admins only; each event with its delivery log, filtered by invitation
 * and state; a failed event replayed through the form (CSRF token and all), the replay
 * logged with the signed-in admin.
 */
class EventsConsoleIT extends ConsoleTest {

	@Test
	void anAdminReadsTheLogAndReplaysAFailedEventOperatorsAreRefused() throws Exception {
		// As the dispatcher leaves them: invitation 7's first event failed, its second
		// waits; invitation 8's was delivered.
		jdbc.update("""
				INSERT INTO event_outbox (invitation_id, type, data, state, attempts, last_error) VALUES
				    (7, 'invitation.sent', '{"invitation_id": 7}', 'FAILED', 10, 'HTTP 503'),
				    (8, 'invitation.sent', '{"invitation_id": 8}', 'DELIVERED', 1, NULL),
				    (7, 'invitation.cancelled', '{"invitation_id": 7}', 'PENDING', 0, NULL)
				""");
		jdbc.update(
				"INSERT INTO event_attempt (event_id, kind, http_status, duration_ms) VALUES (1, 'ATTEMPT', 503, 41)");
		addUser("olga", "operator");
		addUser("ada", "admin");

		HttpClient operator = signedIn("olga");
		assertThat(get(operator, "/events").statusCode()).isEqualTo(403);
		assertThat(post(operator, "/events/1/replay").statusCode()).isEqualTo(403);
		assertThat(get(operator, "/people").body()).doesNotContain(">Events</a>");

		HttpClient admin = signedIn("ada");
		String page = get(admin, "/events").body();
		assertThat(page)
			.contains(">Events</a>", "Events are off", "invitation.cancelled", "(waits for event 1)", "HTTP 503",
					"(41 ms)", "id=\"replay-1\"", "id=\"replay-2\"")
			.doesNotContain("id=\"replay-3\"");
		assertThat(get(admin, "/events?state=FAILED").body()).contains("id=\"event-1\"")
			.doesNotContain("id=\"event-2\"", "id=\"event-3\"");
		assertThat(get(admin, "/events?invitation=8").body()).contains("id=\"event-2\"")
			.doesNotContain("id=\"event-1\"");

		assertThat(post(admin, "/events/1/replay").statusCode()).isEqualTo(302);
		assertThat(get(admin, "/events").body()).contains("Event 1 replayed", "replay asked by console:ada");
		assertThat(jdbc.queryForObject("SELECT state || ' ' || attempts FROM event_outbox WHERE id = 1", String.class))
			.isEqualTo("PENDING 0");
		assertThat(post(admin, "/events/3/replay").statusCode()).isEqualTo(302);
		assertThat(get(admin, "/events").body()).contains("Event 3 is still pending");
	}

}
