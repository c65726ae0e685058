package org.invitations.selection;

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

import org.invitations.events.InvitationEvents;
import org.invitations.invitation.Eligibility;
import org.invitations.invitation.InvitationStore;
import org.invitations.invitation.RejectReason;
import org.invitations.invitation.ReportItem;
import org.invitations.invitation.ReportOutcome;
import org.invitations.invitation.ReportRows;
import org.invitations.invitation.RunRef;
import org.invitations.invitation.SkipReason;
import org.invitations.invitation.Suppression;
import org.invitations.invitation.Suppressions;
import org.invitations.run.RunContext;
import org.invitations.report.ReportRepository;
import org.invitations.spec.Kind;

/**
 * Decides and records, per chunk and set-based, what happens to each candidate: rejected,
 * skipped with a reason, or an invitation queued for delivery (in a dry run: reported as
 * would-send, nothing else written). Imported rows are upserted into people and their
 * groups first, so a later group job sees them. Everything here is database work inside
 * the chunk's transaction: a replayed chunk repeats it exactly.
 */
public class SelectionWriter implements ItemWriter<Candidate> {

	private final JdbcTemplate jdbc;

	private final RunContext run;

	private final PersonStore people;

	private final ReportRepository reports;

	private final InvitationStore invitations;

	private final Suppressions suppressions;

	private final ReportRows reportRows;

	private final RunRef ref;

	private final Eligibility eligibility;

	private Long roleId;

	public SelectionWriter(JdbcTemplate jdbc, RunContext run, PersonStore people, ReportRepository reports,
			InvitationEvents events) {
		this.jdbc = jdbc;
		this.run = run;
		this.people = people;
		this.reports = reports;
		this.invitations = new InvitationStore(jdbc, events);
		this.suppressions = new Suppressions(jdbc);
		this.reportRows = new ReportRows(jdbc);
		this.ref = new RunRef(run.jobInstanceId(), run.jobExecutionId(), run.actor());
		this.eligibility = new Eligibility(run.spec().filters().activeEmail(), run.spec().filters().neverLoggedIn());
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
		reportRows.insert(ref, report);
	}

	/**
	 * Rejects a second row for the same person, in this chunk or an earlier one: the same
	 * address, the same external id, or the same stored person reached through either.
	 * The first row wins. A person an earlier row of the file was merged into has that
	 * row's address by now, so earlier chunks are found through the report's addresses.
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
		reports.itemsFor(run.jobInstanceId(), List.copyOf(addresses))
			.forEach((email, at) -> firstLine.put("email:" + email, at));
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

	/**
	 * What makes a row the same person as another, each with how the report says so, most
	 * telling first.
	 */
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
		Map<Long, List<InvitationStore.Open>> open = invitations
			.openOf(persons.values().stream().map(PersonStore.Person::id).toList());
		// Asked in a dry run too, so that its WOULD_SEND count is the real run's.
		Map<String, Suppression> suppressed = suppressions
			.activeFor(valid.stream().map(Candidate::emailNormalized).toList());
		Instant now = Instant.now();
		List<Candidate> toQueue = new ArrayList<>();
		List<Kind> kinds = new ArrayList<>();
		List<Long> expire = new ArrayList<>();
		for (Candidate candidate : valid) {
			PersonStore.Person person = persons.get(candidate.emailNormalized());
			Kind kind = Eligibility.kindFor(run.spec().kind(), person.lastLoginAt());
			Eligibility.Refusal refusal = eligibility.check(suppressed.get(candidate.emailNormalized()), kind,
					person.emailActive(), person.lastLoginAt());
			if (refusal != null) {
				report.add(skipped(candidate, person, kind, refusal.reason(), refusal.detail()));
				continue;
			}
			InvitationStore.Open current = open.getOrDefault(person.id(), List.of())
				.stream()
				.filter(invitation -> invitation.kind() == kind)
				.findFirst()
				.orElse(null);
			if (current != null && !current.isStale(now)) {
				report.add(skipped(candidate, person, kind, SkipReason.ALREADY_INVITED,
						"invitation " + current.id() + " is " + current.status()
								+ (current.expiresAt() != null ? " until " + current.expiresAt() : "")));
				continue;
			}
			if (current != null) {
				expire.add(current.id());
			}
			toQueue.add(candidate);
			kinds.add(kind);
		}
		if (run.dryRun()) {
			for (int i = 0; i < toQueue.size(); i++) {
				Candidate candidate = toQueue.get(i);
				report.add(item(candidate, persons.get(candidate.emailNormalized()), null, kinds.get(i),
						ReportOutcome.WOULD_SEND, null, null));
			}
			return;
		}
		invitations.expireSuperseded(ref, expire);
		Map<Long, Long> invitationByPerson = insertInvitations(toQueue, kinds, persons);
		for (int i = 0; i < toQueue.size(); i++) {
			Candidate candidate = toQueue.get(i);
			PersonStore.Person person = persons.get(candidate.emailNormalized());
			Long invitationId = invitationByPerson.get(person.id());
			report.add(invitationId != null
					? item(candidate, person, invitationId, kinds.get(i), ReportOutcome.QUEUED, null, null)
					: skipped(candidate, person, kinds.get(i), SkipReason.ALREADY_INVITED,
							"another run invited this person meanwhile"));
		}
	}

	private Map<Long, Long> insertInvitations(List<Candidate> toQueue, List<Kind> kinds,
			Map<String, PersonStore.Person> persons) {
		if (toQueue.isEmpty()) {
			return Map.of();
		}
		List<InvitationStore.ToQueue> people = new ArrayList<>(toQueue.size());
		for (int i = 0; i < toQueue.size(); i++) {
			Candidate candidate = toQueue.get(i);
			people.add(new InvitationStore.ToQueue(persons.get(candidate.emailNormalized()).id(), kinds.get(i),
					candidate.row().line(), candidate.email(), candidate.emailNormalized()));
		}
		InvitationStore.Source source = new InvitationStore.Source(roleId(), run.spec().role(), run.spec().tokenTtl(),
				run.spec().name(), run.sourceKind(), run.sourceRef());
		return invitations.queue(ref, source, people);
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
				candidate.row().personId(), null, null, ReportOutcome.REJECTED, reason, detail);
	}

	private ReportItem skipped(Candidate candidate, PersonStore.Person person, Kind kind, SkipReason reason,
			String detail) {
		return item(candidate, person, null, kind, ReportOutcome.SKIPPED, reason, detail);
	}

	private static ReportItem item(Candidate candidate, PersonStore.Person person, Long invitationId, Kind kind,
			ReportOutcome outcome, SkipReason reason, String detail) {
		return new ReportItem(candidate.row().itemNumber(), candidate.row().line(), candidate.email(),
				candidate.emailNormalized(), person.id(), invitationId, kind, outcome, reason, detail);
	}

}
