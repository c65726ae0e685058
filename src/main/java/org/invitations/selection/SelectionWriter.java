package org.invitations.selection;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.run.RunContext;
import org.invitations.report.ReportItem;
import org.invitations.report.ReportRepository;
import org.invitations.spec.Kind;

/**
 * Decides and records, per chunk and set-based, what happens to each candidate: rejected, skipped with a
 * reason, or an invitation queued for delivery (in a dry run: reported as would-send, nothing else
 * written). Imported rows are upserted into people and their groups first, so a later group job sees them.
 * Everything here is database work inside the chunk's transaction: a replayed chunk repeats it exactly.
 */
public class SelectionWriter implements ItemWriter<Candidate> {

	private final JdbcTemplate jdbc;

	private final RunContext run;

	private final PersonStore people;

	private final ReportRepository reports;

	private Long roleId;

	public SelectionWriter(JdbcTemplate jdbc, RunContext run, PersonStore people, ReportRepository reports) {
		this.jdbc = jdbc;
		this.run = run;
		this.people = people;
		this.reports = reports;
	}

	@Override
	public void write(Chunk<? extends Candidate> chunk) {
		List<ReportItem> report = new ArrayList<>(chunk.size());
		List<Candidate> valid = new ArrayList<>(chunk.size());
		for (Candidate candidate : chunk) {
			if (candidate.isRejected()) {
				report.add(rejected(candidate, candidate.rejection(), candidate.detail()));
			}
			else {
				valid.add(candidate);
			}
		}
		Map<String, PersonStore.Person> persons;
		if (run.sourceKind().equals("CSV")) {
			// A group has each person once, so only a file can name someone twice.
			PersonStore.Known known = people.find(valid);
			valid = withoutDuplicates(valid, known, report);
			persons = people.upsert(valid, known, run.dryRun(), report, this::rejected);
		}
		else {
			persons = people.fromGroup(valid);
		}
		valid.removeIf(candidate -> !persons.containsKey(candidate.emailNormalized()));
		if (!run.dryRun()) {
			people.addToGroups(valid, persons);
		}
		queue(valid, persons, report);
		reports.insert(run, report);
	}

	/**
	 * Rejects a second row for the same person, in this chunk or an earlier one: the same address, the same
	 * external id, or the same stored person reached through either. The first row wins. A person an earlier row
	 * of the file was merged into has that row's address by now, so earlier chunks are found through the report's
	 * addresses.
	 */
	private List<Candidate> withoutDuplicates(List<Candidate> valid, PersonStore.Known known, List<ReportItem> report) {
		Set<String> addresses = new LinkedHashSet<>();
		for (Candidate candidate : valid) {
			addresses.add(candidate.emailNormalized());
			PersonStore.Person sameId = known.sameId(candidate);
			if (sameId != null) {
				addresses.add(sameId.emailNormalized());
			}
		}
		Map<String, Long> firstLine = new HashMap<>();
		reports.itemsFor(run.jobInstanceId(), List.copyOf(addresses)).forEach((email, at) -> firstLine.put("email:" + email, at));
		List<Candidate> unique = new ArrayList<>(valid.size());
		for (Candidate candidate : valid) {
			Map<String, String> keys = identities(candidate, known);
			String duplicate = null;
			for (Map.Entry<String, String> key : keys.entrySet()) {
				Long earlier = firstLine.get(key.getKey());
				if (earlier != null) {
					duplicate = key.getValue() + (candidate.row().line() != null ? "line " : "item ") + earlier;
					break;
				}
			}
			if (duplicate != null) {
				report.add(rejected(candidate, RejectReason.DUPLICATE_IN_FILE, duplicate));
				continue;
			}
			keys.keySet().forEach(key -> firstLine.put(key, where(candidate)));
			unique.add(candidate);
		}
		return unique;
	}

	/** What makes a row the same person as another, each with how the report says so, most telling first. */
	private static Map<String, String> identities(Candidate candidate, PersonStore.Known known) {
		Map<String, String> keys = new LinkedHashMap<>();
		keys.put("email:" + candidate.emailNormalized(), "same address as ");
		PersonStore.Person sameId = known.sameId(candidate);
		if (candidate.externalId() != null) {
			keys.put("external:" + candidate.externalId(), "same external id as ");
		}
		if (sameId != null) {
			keys.putIfAbsent("person:" + sameId.id(), "same external id as ");
			keys.putIfAbsent("email:" + sameId.emailNormalized(), "same external id as ");
		}
		PersonStore.Person sameEmail = known.sameEmail(candidate);
		if (sameEmail != null) {
			keys.putIfAbsent("person:" + sameEmail.id(), "same person as ");
		}
		return keys;
	}

	private void queue(List<Candidate> valid, Map<String, PersonStore.Person> persons, List<ReportItem> report) {
		Map<Long, List<OpenInvitation>> open = openInvitations(persons.values());
		Instant now = Instant.now();
		List<Candidate> toQueue = new ArrayList<>();
		List<Kind> kinds = new ArrayList<>();
		List<Long> expire = new ArrayList<>();
		for (Candidate candidate : valid) {
			PersonStore.Person person = persons.get(candidate.emailNormalized());
			Decision decision = decide(person);
			if (decision.skip() != null) {
				report.add(skipped(candidate, person, decision.kind(), decision.skip(), decision.detail()));
				continue;
			}
			OpenInvitation current = open.getOrDefault(person.id(), List.of())
				.stream()
				.filter(invitation -> invitation.kind() == decision.kind())
				.findFirst()
				.orElse(null);
			if (current != null && !current.isStale(now)) {
				report.add(skipped(candidate, person, decision.kind(), SkipReason.ALREADY_INVITED,
						"invitation " + current.id() + " is " + current.status()
								+ (current.expiresAt() != null ? " until " + current.expiresAt() : "")));
				continue;
			}
			if (current != null) {
				expire.add(current.id());
			}
			toQueue.add(candidate);
			kinds.add(decision.kind());
		}
		if (run.dryRun()) {
			for (int i = 0; i < toQueue.size(); i++) {
				Candidate candidate = toQueue.get(i);
				report.add(item(candidate, persons.get(candidate.emailNormalized()), null, kinds.get(i),
						"WOULD_SEND", null, null));
			}
			return;
		}
		expireStale(expire);
		Map<Long, Long> invitationByPerson = insertInvitations(toQueue, kinds, persons);
		for (int i = 0; i < toQueue.size(); i++) {
			Candidate candidate = toQueue.get(i);
			PersonStore.Person person = persons.get(candidate.emailNormalized());
			Long invitationId = invitationByPerson.get(person.id());
			report.add(invitationId != null ? item(candidate, person, invitationId, kinds.get(i), "QUEUED", null, null)
					: skipped(candidate, person, kinds.get(i), SkipReason.ALREADY_INVITED,
							"another run invited this person meanwhile"));
		}
	}

	private Decision decide(PersonStore.Person person) {
		Kind spec = run.spec().kind();
		boolean loggedIn = person.lastLoginAt() != null;
		Kind kind = spec != Kind.AUTO ? spec : (loggedIn ? Kind.PASSWORD_RESET : Kind.INVITATION);
		if (run.spec().filters().activeEmail() && !person.emailActive()) {
			return new Decision(kind, SkipReason.EMAIL_INACTIVE, "email is marked inactive");
		}
		if (kind == Kind.INVITATION && loggedIn && run.spec().filters().neverLoggedIn()) {
			return new Decision(kind, SkipReason.ALREADY_LOGGED_IN, "last login " + person.lastLoginAt());
		}
		if (kind == Kind.PASSWORD_RESET && !loggedIn) {
			return new Decision(kind, SkipReason.NEVER_LOGGED_IN, "has no password yet; send an invitation");
		}
		return new Decision(kind, null, null);
	}

	private Map<Long, List<OpenInvitation>> openInvitations(java.util.Collection<PersonStore.Person> persons) {
		Map<Long, List<OpenInvitation>> open = new HashMap<>();
		if (persons.isEmpty()) {
			return open;
		}
		Long[] ids = persons.stream().map(PersonStore.Person::id).toArray(Long[]::new);
		jdbc.query("""
				SELECT id, person_id, kind, status, expires_at FROM invitation
				WHERE person_id = ANY(?) AND status IN ('QUEUED', 'SENDING', 'SENT', 'DEFERRED')
				""", rs -> {
			Timestamp expires = rs.getTimestamp("expires_at");
			open.computeIfAbsent(rs.getLong("person_id"), id -> new ArrayList<>())
				.add(new OpenInvitation(rs.getLong("id"), Kind.valueOf(rs.getString("kind")), rs.getString("status"),
						expires == null ? null : expires.toInstant()));
		}, (Object) ids);
		return open;
	}

	/** A sent invitation past its expiry that the expiry job has not closed yet gives way to a new one. */
	private void expireStale(List<Long> ids) {
		if (ids.isEmpty()) {
			return;
		}
		Long[] array = ids.toArray(Long[]::new);
		jdbc.update("""
				UPDATE invitation SET status = 'EXPIRED', closed_at = now()
				WHERE id = ANY(?) AND status = 'SENT' AND expires_at <= now()
				""", (Object) array);
		jdbc.update("""
				INSERT INTO invitation_event (invitation_id, type, actor, detail)
				SELECT unnest(?::bigint[]), 'EXPIRED', ?, 'expired; superseded by a new invitation'
				""", array, run.actor());
	}

	private Map<Long, Long> insertInvitations(List<Candidate> toQueue, List<Kind> kinds,
			Map<String, PersonStore.Person> persons) {
		Map<Long, Long> byPerson = new HashMap<>();
		if (toQueue.isEmpty()) {
			return byPerson;
		}
		int n = toQueue.size();
		Long[] personIds = new Long[n];
		String[] kindNames = new String[n];
		Long[] lines = new Long[n];
		String[] emails = new String[n];
		String[] normalized = new String[n];
		for (int i = 0; i < n; i++) {
			Candidate candidate = toQueue.get(i);
			personIds[i] = persons.get(candidate.emailNormalized()).id();
			kindNames[i] = kinds.get(i).name();
			lines[i] = candidate.row().line();
			// The address this invitation is for: delivery sends to it or to no one.
			emails[i] = candidate.email();
			normalized[i] = candidate.emailNormalized();
		}
		long role = roleId();
		jdbc.query("""
				INSERT INTO invitation (person_id, kind, status, role_id, token_ttl, spec_name, job_instance_id,
				                        delivery_instance_id, job_execution_id, source_kind, source_ref, source_line,
				                        email, email_normalized)
				SELECT p, k, 'QUEUED', ?, make_interval(secs => ?), ?, ?, ?, ?, ?, ?, l, e, en
				FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[]) AS t(p, k, l, e, en)
				ON CONFLICT (person_id, kind) WHERE status IN ('QUEUED', 'SENDING', 'SENT', 'DEFERRED') DO NOTHING
				RETURNING id, person_id
				""", rs -> {
			byPerson.put(rs.getLong("person_id"), rs.getLong("id"));
		}, role, (double) run.spec().tokenTtl().toSeconds(), run.spec().name(), run.jobInstanceId(),
				run.jobInstanceId(), run.jobExecutionId(), run.sourceKind(), run.sourceRef(), personIds, kindNames, lines,
				emails, normalized);
		Long[] invited = byPerson.keySet().toArray(Long[]::new);
		jdbc.update("""
				INSERT INTO role_assignment (person_id, role_id, job_execution_id)
				SELECT unnest(?::bigint[]), ?, ? ON CONFLICT DO NOTHING
				""", invited, role, run.jobExecutionId());
		jdbc.update("""
				INSERT INTO invitation_event (invitation_id, type, actor, detail)
				SELECT unnest(?::bigint[]), 'QUEUED', ?, ?
				""", byPerson.values().toArray(Long[]::new), run.actor(), "role " + run.spec().role());
		return byPerson;
	}

	private long roleId() {
		if (roleId == null) {
			jdbc.update("INSERT INTO role (name) VALUES (?) ON CONFLICT (name) DO NOTHING", run.spec().role());
			roleId = jdbc.queryForObject("SELECT id FROM role WHERE name = ?", Long.class, run.spec().role());
		}
		return roleId;
	}

	private static Long where(Candidate candidate) {
		return candidate.row().line() != null ? candidate.row().line() : candidate.row().itemNumber();
	}

	ReportItem rejected(Candidate candidate, RejectReason reason, String detail) {
		return new ReportItem(candidate.row().itemNumber(), candidate.row().line(), candidate.email(), null,
				candidate.row().personId(), null, null, "REJECTED", reason.name(), detail);
	}

	private ReportItem skipped(Candidate candidate, PersonStore.Person person, Kind kind, SkipReason reason,
			String detail) {
		return item(candidate, person, null, kind, "SKIPPED", reason.name(), detail);
	}

	private static ReportItem item(Candidate candidate, PersonStore.Person person, Long invitationId, Kind kind,
			String outcome, String reason, String detail) {
		return new ReportItem(candidate.row().itemNumber(), candidate.row().line(), candidate.email(),
				candidate.emailNormalized(), person.id(), invitationId, kind, outcome, reason, detail);
	}

	private record Decision(Kind kind, SkipReason skip, String detail) {
	}

	private record OpenInvitation(long id, Kind kind, String status, Instant expiresAt) {

		boolean isStale(Instant now) {
			return "SENT".equals(status) && expiresAt != null && !expiresAt.isAfter(now);
		}

	}

}
