package org.invitations.delivery;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The limits per destination bind from the documented keys; the built-in groups need no
 * list; a value that cannot mean anything is one line naming its property.
 */
class DestinationPropertiesTest {

	@Test
	void nothingConfiguredLooksAtNoRecipient() {
		DestinationProperties none = bind(Map.of());

		assertThat(none.destinations()).isEmpty();
		assertThat(none.destinationWait()).isEqualTo(Duration.ofMillis(250));
		assertThat(DestinationLimits.of(none)).isNull();
	}

	@Test
	void builtInGroupsByNameAndAnyListByItsDomains() {
		DestinationProperties properties = bind(Map.of("invitations.mail.destinations.google.per-second", "5",
				"invitations.mail.destinations.microsoft.connections", "1",
				"invitations.mail.destinations.yahoo.per-second", "2.5", "invitations.mail.destinations.parish.domains",
				"Parish.example, mail.parish.example", "invitations.mail.destinations.parish.cool-down", "10s"));

		assertThat(properties.destinations().get("google").domains()).containsExactly("gmail.com", "googlemail.com");
		assertThat(properties.destinations().get("microsoft").domains()).contains("outlook.com", "hotmail.co.uk");
		assertThat(properties.destinations().get("microsoft").connections()).isEqualTo(1);
		assertThat(properties.destinations().get("yahoo").domains()).contains("yahoo.com", "aol.com");
		assertThat(properties.destinations().get("parish").domains()).containsExactly("parish.example",
				"mail.parish.example");
		assertThat(properties.destinations().get("parish").coolDown()).isEqualTo(Duration.ofSeconds(10));

		DestinationLimits limits = DestinationLimits.of(properties);
		assertThat(limits.groupOf("ann@GMail.com").name()).isEqualTo("google");
		assertThat(limits.groupOf("bob@live.com").name()).isEqualTo("microsoft");
		assertThat(limits.groupOf("cy@parish.example").name()).isEqualTo("parish");
		assertThat(limits.groupOf("dee@sub.parish.example")).isNull();
		assertThat(limits.groupOf("eve@example.org")).isNull();
	}

	@Test
	void aValueThatCannotMeanAnythingNamesItsProperty() {
		assertRefused(Map.of("invitations.mail.destinations.google.per-second", "-1"),
				"invitations.mail.destinations.google.per-second must be 0 (no limit) or more, not -1.0");
		assertRefused(Map.of("invitations.mail.destinations.microsoft.connections", "-2"),
				"invitations.mail.destinations.microsoft.connections must be 0 (no limit) or more, not -2");
		assertRefused(Map.of("invitations.mail.destinations.acme.per-second", "3"),
				"invitations.mail.destinations.acme.domains is empty: list the group's domains"
						+ " (only google, microsoft, yahoo have built-in lists)");
		assertRefused(Map.of("invitations.mail.destinations.acme.domains", "ann@acme.example"),
				"invitations.mail.destinations.acme.domains has 'ann@acme.example': write a domain such as example.org");
		assertRefused(Map.of("invitations.mail.destinations.google.per-second", "5",
				"invitations.mail.destinations.mine.domains", "gmail.com"), "gmail.com, which group");
		assertRefused(Map.of("invitations.mail.destinations.google.cool-down", "0s"),
				"invitations.mail.destinations.google.cool-down must be more than 0, not PT0S");
		assertRefused(Map.of("invitations.mail.destination-wait", "-1s"),
				"invitations.mail.destination-wait must be 0 or more, not PT-1S");
	}

	private static void assertRefused(Map<String, String> properties, String message) {
		assertThatThrownBy(() -> bind(properties)).isInstanceOf(BindException.class)
			.rootCause()
			.hasMessageContaining(message)
			.satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("\n"));
	}

	private static DestinationProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("invitations.mail",
				DestinationProperties.class);
	}

}
