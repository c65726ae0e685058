package org.invitations.invitation;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.invitations.IntegrationTest;
import org.invitations.events.EventLog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The enums and the migrated schema's check constraints name the same values, so that
 * neither drifts alone.
 */
class SchemaValuesIT extends IntegrationTest {

	private static final Pattern QUOTED = Pattern.compile("'([^']*)'::text");

	/**
	 * The values a check constraint lets through, as PostgreSQL itself prints the
	 * constraint.
	 */
	private Set<String> allowed(String table, String constraint) {
		List<String> definitions = jdbc.queryForList("""
				SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
				WHERE t.relname = ? AND c.conname = ? AND c.contype = 'c'
				""", String.class, table, constraint);
		assertThat(definitions).as("check constraint %s on %s", constraint, table).hasSize(1);
		Set<String> values = new HashSet<>();
		Matcher matcher = QUOTED.matcher(definitions.get(0));
		while (matcher.find()) {
			values.add(matcher.group(1));
		}
		return values;
	}

	private static <E extends Enum<E>> Set<String> values(Class<E> type, Function<E, String> dbValue) {
		return Arrays.stream(type.getEnumConstants()).map(dbValue).collect(Collectors.toSet());
	}

	@Test
	void invitationStatusesAreTheSchemasStatuses() {
		assertThat(values(InvitationStatus.class, InvitationStatus::dbValue))
			.containsExactlyInAnyOrderElementsOf(allowed("invitation", "invitation_status_check"));
	}

	@Test
	void reportOutcomesAreTheSchemasOutcomes() {
		assertThat(values(ReportOutcome.class, ReportOutcome::dbValue))
			.containsExactlyInAnyOrderElementsOf(allowed("job_report_item", "job_report_item_outcome_check"));
	}

	@Test
	void historyTypesAreTheSchemasTypes() {
		assertThat(values(EventType.class, EventType::dbValue))
			.containsExactlyInAnyOrderElementsOf(allowed("invitation_event", "invitation_event_type_check"));
	}

	@Test
	void retiredLinkReasonsAreTheSchemasReasons() {
		assertThat(values(RetiredBecause.class, RetiredBecause::dbValue))
			.containsExactlyInAnyOrderElementsOf(allowed("retired_token", "retired_token_reason_check"));
	}

	@Test
	void suppressionReasonsAreTheSchemasReasons() {
		assertThat(values(SuppressedBecause.class, SuppressedBecause::dbValue))
			.containsExactlyInAnyOrderElementsOf(allowed("suppression", "suppression_reason_check"));
	}

	@Test
	void eventStatesAreTheSchemasStates() {
		assertThat(values(EventLog.State.class, Enum::name))
			.containsExactlyInAnyOrderElementsOf(allowed("event_outbox", "event_outbox_state_check"));
	}

	@Test
	void openStatusesAreThoseOfTheOneOpenInvitationIndex() {
		String index = jdbc.queryForObject("SELECT indexdef FROM pg_indexes WHERE indexname = ?", String.class,
				"invitation_one_open_per_person_kind");
		Set<String> inIndex = new HashSet<>();
		Matcher matcher = QUOTED.matcher(index);
		while (matcher.find()) {
			inIndex.add(matcher.group(1));
		}
		assertThat(InvitationStatus.OPEN.stream().map(InvitationStatus::dbValue))
			.containsExactlyInAnyOrderElementsOf(inIndex);
	}

	@Test
	void everyReasonCodeNamesOneReasonOnly() {
		List<Reason> reasons = Stream.of(SkipReason.values(), RejectReason.values(), DeliveryReason.values())
			.flatMap(Arrays::stream)
			.map(Reason.class::cast)
			.toList();
		assertThat(reasons.stream().map(Reason::dbValue)).doesNotHaveDuplicates();
		reasons.forEach(reason -> assertThat(Reason.of(reason.dbValue())).isSameAs(reason));
	}

}
