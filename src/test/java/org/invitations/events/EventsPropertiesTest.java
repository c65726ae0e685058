package org.invitations.events;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.invitations.support.InvalidSettingException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Settings that cannot be used are refused as the application starts, each in one line
 * naming the property, never showing the secret.
 */
class EventsPropertiesTest {

	private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

	private static EventsProperties of(String url, String secret, List<String> types) {
		return new EventsProperties(url == null ? null : URI.create(url), secret, types, 10,
				List.of(Duration.ofSeconds(5), Duration.ofMinutes(5)), Duration.ofSeconds(15), false,
				Duration.ofSeconds(5), 8, Duration.ofDays(30));
	}

	@Test
	void offUntilBothUrlAndSecretAreSetThenEveryTypeOrThoseNamed() {
		assertThat(of(null, SECRET, List.of()).kinds()).isEmpty();
		assertThat(of("https://crm.example.org/hooks", null, List.of()).kinds()).isEmpty();
		assertThat(of("https://crm.example.org/hooks", SECRET, List.of()).kinds()).hasSize(EventKind.values().length);
		assertThat(of("https://crm.example.org/hooks", SECRET, List.of("invitation.sent", "accepted")).kinds())
			.containsExactlyInAnyOrder(EventKind.SENT, EventKind.ACCEPTED);
		assertThat(of("http://127.0.0.1:8080/hooks", SECRET, List.of()).configured()).isTrue();
	}

	@Test
	void theRetryScheduleRepeatsItsLastDelay() {
		EventsProperties properties = of("https://crm.example.org/hooks", SECRET, List.of());
		assertThat(properties.delayAfter(1)).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.delayAfter(2)).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.delayAfter(9)).isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void unusableSettingsAreRefusedByName() {
		assertThatThrownBy(() -> of("http://crm.example.org/hooks", SECRET, List.of()))
			.isInstanceOf(InvalidSettingException.class)
			.hasMessageContaining("invitations.events.url")
			.hasMessageContaining("use https");
		assertThatThrownBy(() -> of("https://crm.example.org/hooks", "whsec_not base64!", List.of()))
			.isInstanceOf(InvalidSettingException.class)
			.hasMessageStartingWith("invitations.events.secret must be whsec_ followed by base64")
			.hasMessageNotContaining("not base64!");
		assertThatThrownBy(() -> of("https://crm.example.org/hooks", "whsec_c2hvcnQ=", List.of()))
			.isInstanceOf(InvalidSettingException.class)
			.hasMessageContaining("24 to 64 bytes");
		assertThatThrownBy(() -> of("https://crm.example.org/hooks", SECRET, List.of("invitation.opened")))
			.isInstanceOf(InvalidSettingException.class)
			.hasMessageStartingWith("invitations.events.types: unknown event type 'invitation.opened'");
	}

}
