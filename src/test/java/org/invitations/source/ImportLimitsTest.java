package org.invitations.source;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limits bind from the documented keys, with the documented defaults and bounds. */
class ImportLimitsTest {

	@Test
	void bindsSizesWithUnitsAndDefaults() {
		ImportLimits limits = bind(Map.of("invitations.import.max-record-length", "1KB"));
		assertThat(limits.maxRecord()).isEqualTo(1024);
		assertThat(limits.maxField()).isEqualTo(16 * 1024);
		assertThat(bind(Map.of("invitations.import.max-field-length", "300")).maxField()).isEqualTo(300);
		assertThat(ImportLimits.DEFAULTS.maxRecord()).isEqualTo(65_536);
	}

	@Test
	void refusesALimitOutsideItsBounds() {
		assertThatThrownBy(() -> bind(Map.of("invitations.import.max-record-length", "65MB")))
			.isInstanceOf(BindException.class)
			.rootCause()
			.hasMessage("invitations.import.max-record-length must be between 1 and 64MB characters, not 68157440B");
	}

	private static ImportLimits bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("invitations.import",
				ImportLimits.class);
	}

}
