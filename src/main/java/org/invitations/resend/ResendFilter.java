package org.invitations.resend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.invitations.invitation.ByPerson;
import org.invitations.run.BatchMetadata;

/**
 * Which of a spec's invitations a resend run takes: any combination of one person, one
 * invitation, one execution's run, one group and one status. It is also the run's
 * identity, in a canonical text form.
 *
 * @param email a person's address
 * @param invitationId one invitation
 * @param execution the invitations made by this execution's run
 * @param group the invitations of this group's members
 * @param status {@code pending} (sent, not accepted, unexpired), {@code expired},
 * {@code deferred}, {@code failed}, {@code bounced}
 * @param anyInterval resend even sooner after the last send than the spec's
 * {@code resend.min-interval} allows: an operator's override, part of the run's identity
 * and recorded with who launched it
 */
public record ResendFilter(String email, Long invitationId, Long execution, String group, String status,
		boolean anyInterval) {

	public ResendFilter(String email, Long invitationId, Long execution, String group, String status) {
		this(email, invitationId, execution, group, status, false);
	}

	static final List<String> STATUSES = List.of("pending", "expired", "deferred", "failed", "bounced");

	public ResendFilter {
		email = email == null ? null : email.strip().toLowerCase(Locale.ROOT);
		status = status == null ? null : status.strip().toLowerCase(Locale.ROOT);
		if (status != null && !STATUSES.contains(status)) {
			throw new IllegalArgumentException("--status must be one of " + String.join(", ", STATUSES));
		}
		if (email == null && invitationId == null && execution == null && group == null && status == null) {
			throw new IllegalArgumentException(
					"say which invitations: --email, --invitation, --execution, --group or --status");
		}
	}

	/** The canonical text of the filter: {@code resend:email=…,status=…}. */
	public String describe() {
		Map<String, Object> parts = new LinkedHashMap<>();
		parts.put("email", email);
		parts.put("invitation", invitationId);
		parts.put("execution", execution);
		parts.put("group", group);
		parts.put("status", status);
		parts.put("interval", anyInterval ? "any" : null);
		return "resend:" + parts.entrySet()
			.stream()
			.filter(e -> e.getValue() != null)
			.map(e -> e.getKey() + "=" + e.getValue())
			.collect(Collectors.joining(","));
	}

	public static ResendFilter parse(String text) {
		Map<String, String> parts = new LinkedHashMap<>();
		for (String part : text.substring("resend:".length()).split(",")) {
			int eq = part.indexOf('=');
			parts.put(part.substring(0, eq), part.substring(eq + 1));
		}
		return new ResendFilter(parts.get("email"),
				parts.containsKey("invitation") ? Long.valueOf(parts.get("invitation")) : null,
				parts.containsKey("execution") ? Long.valueOf(parts.get("execution")) : null, parts.get("group"),
				parts.get("status"), "any".equals(parts.get("interval")));
	}

	/**
	 * The SQL condition on invitation {@code i} and person {@code p}, with named
	 * parameters.
	 */
	String where(Map<String, Object> parameters) {
		List<String> conditions = new ArrayList<>();
		if (email != null) {
			conditions
				.add("id IN (" + ByPerson.invitationIds("SELECT id FROM person WHERE email_normalized = :email") + ")");
			parameters.put("email", email);
		}
		if (invitationId != null) {
			conditions.add("id = :invitation");
			parameters.put("invitation", invitationId);
		}
		if (execution != null) {
			conditions.add("job_instance_id = " + BatchMetadata.instanceOfExecution(":execution"));
			parameters.put("execution", execution);
		}
		if (group != null) {
			conditions.add("id IN (" + ByPerson.invitationIds(
					"SELECT m.person_id FROM group_member m JOIN person_group g ON g.id = m.group_id WHERE g.name = :group")
					+ ")");
			parameters.put("group", group);
		}
		if (status != null) {
			conditions.add(switch (status) {
				case "pending" -> "status = 'SENT' AND expires_at > now()";
				case "expired" -> "(status = 'EXPIRED' OR (status = 'SENT' AND expires_at <= now()))";
				case "deferred" -> "status = 'DEFERRED'";
				case "bounced" -> "status = 'BOUNCED'";
				default -> "status = 'FAILED'";
			});
		}
		return String.join(" AND ", conditions);
	}

}
