package org.invitations.report;

import java.io.Writer;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

import org.invitations.report.ReportQueries.OutcomeCount;
import org.invitations.report.ReportQueries.ReportRow;
import org.invitations.report.RunRecords.Notification;

/**
 * A run's report as JSON by the schema {@code report-schema.json}: the summary object,
 * then the items, written one at a time by a streaming generator, then how many items
 * were written so a reader can tell a cut-off file.
 */
final class JsonReport {

	/** The schema's {@code $id}; a new major version of the layout gets a new one. */
	static final String SCHEMA = "https://invitations.example.org/report-schema/1.json";

	/** The caller owns the writer: closing the generator must not close it. */
	private static final JsonFactory FACTORY = JsonFactory.builder()
		.disable(tools.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
		.build();

	private JsonReport() {
	}

	static long write(RunSummary summary, Iterator<ReportRow> rows, Writer out) {
		try (JsonGenerator json = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
			json.writeStartObject();
			json.writeStringProperty("$schema", SCHEMA);
			json.writeName("summary");
			summary(json, summary);
			json.writeName("items");
			json.writeStartArray();
			long written = 0;
			while (rows.hasNext()) {
				item(json, rows.next());
				written++;
			}
			json.writeEndArray();
			json.writeNumberProperty("items_written", written);
			json.writeEndObject();
			json.flush();
			return written;
		}
	}

	static String summaryJson(RunSummary summary) {
		java.io.StringWriter text = new java.io.StringWriter();
		try (JsonGenerator json = FACTORY.createGenerator(ObjectWriteContext.empty(), text)) {
			summary(json, summary);
		}
		return text.toString();
	}

	/** The summary alone, as the webhook sends it. */
	static void summary(JsonGenerator json, RunSummary s) {
		ReportQueries.Execution e = s.execution();
		json.writeStartObject();
		json.writeNumberProperty("execution_id", e.id());
		json.writeStringProperty("kind", s.kind());
		json.writeStringProperty("headline", ReportHeadline.of(s));
		json.writeStringProperty("spec_name", e.specName());
		nullable(json, "spec_file", s.specFile());
		nullable(json, "description", s.description());
		nullable(json, "run", e.run());
		json.writeBooleanProperty("dry_run", e.dryRun());
		json.writeStringProperty("status", e.status());
		nullable(json, "exit_message", e.exitMessage() == null || e.exitMessage().isBlank() ? null
				: e.exitMessage().lines().findFirst().orElse(""));
		nullable(json, "launched_by", s.launchedBy());
		nullable(json, "start", time(e.start()));
		nullable(json, "end", time(e.end()));
		if (s.duration() == null) {
			json.writeNullProperty("duration_seconds");
		}
		else {
			json.writeNumberProperty("duration_seconds", s.duration().toMillis() / 1000.0);
		}
		json.writeNumberProperty("throughput_per_second", Math.round(s.throughput() * 10) / 10.0);
		json.writeName("parameters");
		json.writeStartObject();
		for (Map.Entry<String, String> parameter : e.parameters().entrySet()) {
			nullable(json, parameter.getKey(), parameter.getValue());
		}
		json.writeEndObject();
		json.writeName("provenance");
		json.writeStartObject();
		json.writeStringProperty("type", s.provenance().type());
		nullable(json, "file", s.provenance().file());
		nullable(json, "sha256", s.provenance().sha256());
		nullable(json, "selection", s.provenance().selection());
		json.writeEndObject();
		json.writeName("outcomes");
		json.writeStartArray();
		for (OutcomeCount outcome : s.outcomes()) {
			json.writeStartObject();
			json.writeStringProperty("outcome", outcome.outcome());
			json.writeNumberProperty("count", outcome.count());
			json.writeName("reasons");
			json.writeStartObject();
			outcome.reasons().forEach((reason, count) -> json.writeNumberProperty(reason, count));
			json.writeEndObject();
			json.writeEndObject();
		}
		json.writeEndArray();
		json.writeName("invariant");
		json.writeStartObject();
		json.writeNumberProperty("rows_read", s.rowsRead());
		json.writeNumberProperty("rows_reported", s.total());
		json.writeBooleanProperty("holds", s.invariantHolds());
		json.writeStringProperty("statement", s.invariant());
		json.writeEndObject();
		json.writeName("next_steps");
		json.writeStartArray();
		for (RunSummary.NextStep step : s.nextSteps()) {
			json.writeStartObject();
			json.writeStringProperty("outcome", step.outcome());
			nullable(json, "reason", step.reason());
			json.writeNumberProperty("count", step.count());
			json.writeStringProperty("advice", step.advice());
			json.writeEndObject();
		}
		json.writeEndArray();
		if (s.purged() != null) {
			json.writeName("rows_purged");
			json.writeStartObject();
			json.writeStringProperty("purged_at", time(s.purged().purgedAt()));
			json.writeNumberProperty("kept_for_seconds", s.purged().keptFor().toSeconds());
			json.writeNumberProperty("rows", s.purged().rows());
			json.writeStringProperty("statement", s.purged().sentence());
			json.writeEndObject();
		}
		json.writeName("notifications");
		json.writeStartArray();
		for (Notification n : s.notifications()) {
			json.writeStartObject();
			json.writeStringProperty("channel", n.channel());
			json.writeStringProperty("target", n.target());
			json.writeStringProperty("status", n.status());
			nullable(json, "detail", n.detail());
			nullable(json, "at", time(n.at()));
			json.writeEndObject();
		}
		json.writeEndArray();
		json.writeEndObject();
	}

	private static void item(JsonGenerator json, ReportRow row) {
		json.writeStartObject();
		json.writeNumberProperty("item", row.item());
		if (row.line() == null) {
			json.writeNullProperty("line");
		}
		else {
			json.writeNumberProperty("line", row.line());
		}
		nullable(json, "email", row.email());
		json.writeStringProperty("outcome", row.outcome());
		nullable(json, "reason", row.reason());
		nullable(json, "detail", row.detail());
		if (row.invitationId() == null) {
			json.writeNullProperty("invitation_id");
		}
		else {
			json.writeNumberProperty("invitation_id", row.invitationId());
		}
		nullable(json, "kind", row.kind());
		nullable(json, "first_name", row.firstName());
		nullable(json, "last_name", row.lastName());
		json.writeEndObject();
	}

	private static void nullable(JsonGenerator json, String name, String value) {
		if (value == null) {
			json.writeNullProperty(name);
		}
		else {
			json.writeStringProperty(name, value);
		}
	}

	private static String time(Instant instant) {
		return instant == null ? null : instant.toString();
	}

}
