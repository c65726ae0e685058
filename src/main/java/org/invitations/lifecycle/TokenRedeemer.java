package org.invitations.lifecycle;

import java.sql.Timestamp;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import org.invitations.events.InvitationEvents;
import org.invitations.invitation.EventType;
import org.invitations.invitation.InvitationStatus;
import org.invitations.invitation.InvitationStore;
import org.invitations.invitation.Tokens;
import org.invitations.spec.Kind;

/**
 * The service the host application calls with the token from a link. {@link #inspect} is
 * what the GET of the set-password page uses: it never consumes the token (mail scanners
 * open every link). {@link #redeem} is what the POST of the form uses: it accepts a token
 * exactly once, also under concurrent attempts, because the state change is one
 * conditional UPDATE.
 */
@Service
public class TokenRedeemer {

	/** User agents of link scanners and of clients that are not a person's browser. */
	private static final Pattern SCANNER = Pattern.compile(
			"safelinks|safe links|microsoft office|barracuda|proofpoint|mimecast|symantec|trend ?micro|forcepoint|"
					+ "bot|crawler|spider|preview|python|curl|wget|java/|go-http|okhttp|headless",
			Pattern.CASE_INSENSITIVE);

	private final JdbcTemplate jdbc;

	private final InvitationStore invitations;

	public TokenRedeemer(JdbcTemplate jdbc, InvitationEvents events) {
		this.jdbc = jdbc;
		this.invitations = new InvitationStore(jdbc, events);
	}

	/**
	 * The invitation a token opens, and which of its links the token is (see
	 * {@link InvitationStore}).
	 */
	private static final String FOUND = InvitationStore.FOUND_BY_TOKEN;

	/**
	 * Whether the link works, for whom and until when, without consuming it. Records the
	 * look in the invitation's history, marking those that look like a mail scanner.
	 * @param userAgent the User-Agent of the request, or {@code null}
	 */
	@Transactional
	public Redemption inspect(String token, String userAgent) {
		byte[] hash = hash(token);
		List<Redemption> found = jdbc.query("WITH " + FOUND + """
				SELECT i.id, i.person_id, p.email, p.first_name, i.kind, i.status, i.expires_at,
				       i.expires_at <= now() AS expired, f.earlier,
				       EXISTS (SELECT 1 FROM earlier_token e WHERE e.invitation_id = i.id) AS has_earlier
				FROM found f JOIN invitation i ON i.id = f.invitation_id JOIN person p ON p.id = i.person_id
				""", (rs, n) -> {
			Timestamp expires = rs.getTimestamp("expires_at");
			Redemption.Link link = link(rs.getBoolean("earlier"), rs.getBoolean("has_earlier"));
			InvitationStatus status = InvitationStatus.of(rs.getString("status"));
			// Expired is expired, whether or not the expiry job has closed the invitation
			// yet.
			if (status == InvitationStatus.EXPIRED || (status == InvitationStatus.SENT && rs.getBoolean("expired"))) {
				return new Redemption(Redemption.Status.EXPIRED, rs.getLong("id"), null, null, null, null, null, link);
			}
			if (status != InvitationStatus.SENT) {
				return new Redemption(Redemption.Status.INVALID, rs.getLong("id"), null, null, null, null, null, link);
			}
			return new Redemption(Redemption.Status.VALID, rs.getLong("id"), rs.getLong("person_id"),
					rs.getString("email"), rs.getString("first_name"), Kind.valueOf(rs.getString("kind")),
					expires.toInstant(), link);
		}, hash, hash);
		boolean scanner = userAgent == null || userAgent.isBlank() || SCANNER.matcher(userAgent).find();
		String how = (scanner ? ", looks like a mail scanner" : "") + "; user agent: " + printable(userAgent);
		if (found.isEmpty()) {
			jdbc.query("SELECT invitation_id, reason FROM retired_token WHERE token_hash = ?", rs -> {
				event(rs.getLong(1), EventType.INSPECTED,
						"old link opened (" + rs.getString(2).toLowerCase(Locale.ROOT) + ")" + how, "link");
			}, hash);
			return Redemption.refused(Redemption.Status.INVALID);
		}
		Redemption result = found.get(0);
		event(result.invitationId(), EventType.INSPECTED,
				"link opened (" + result.status().name().toLowerCase(Locale.ROOT)
						+ (result.link() != Redemption.Link.ONLY ? ", " + result.link().description() : "") + ")" + how,
				"link");
		return result.isSuccess() ? result : Redemption.refused(result.status());
	}

	/**
	 * Accepts the token if it is known, unexpired, not used, not cancelled and not
	 * replaced; then it can never be used again, and neither can the invitation's other
	 * links. Accepting also counts as the person's first login.
	 */
	@Transactional
	public Redemption redeem(String token, String actor) {
		byte[] hash = hash(token);
		// One conditional UPDATE of the invitation, whichever of its links is used:
		// exactly one link wins.
		InvitationStore.Accepted accepted = invitations.redeem(hash, actor);
		if (accepted != null) {
			Redemption result = new Redemption(Redemption.Status.ACCEPTED, accepted.invitationId(), accepted.personId(),
					accepted.email(), accepted.firstName(), accepted.kind(), null,
					link(accepted.earlier(), accepted.hasEarlier()));
			if (result.link() == Redemption.Link.ONLY) {
				// The invitation row tells this entry: by whom, when (V50).
				return result;
			}
			String with = "with the " + result.link().description();
			event(result.invitationId(), EventType.ACCEPTED, "token redeemed " + with, actor);
			// The run's report said the message went out twice; it now also says which
			// one was used.
			invitations.noteAcceptedLink(result.invitationId(), "accepted " + with);
			return result;
		}
		return refuse(hash, actor);
	}

	/**
	 * Says why in the history, where the invitation is known; tells the caller only
	 * INVALID or EXPIRED.
	 */
	private Redemption refuse(byte[] hash, String actor) {
		List<Object[]> current = jdbc.query(
				"WITH " + FOUND
						+ """
								SELECT i.id, i.status, i.expires_at <= now(), f.earlier,
								       EXISTS (SELECT 1 FROM earlier_token e WHERE e.invitation_id = i.id) AS has_earlier,
								       (SELECT used_at IS NOT NULL FROM earlier_token e WHERE e.token_hash = ?) AS this_used,
								       EXISTS (SELECT 1 FROM earlier_token e WHERE e.invitation_id = i.id AND e.used_at IS NOT NULL) AS earlier_used
								FROM found f JOIN invitation i ON i.id = f.invitation_id
								""",
				(rs, n) -> new Object[] { rs.getLong(1), rs.getString(2), rs.getBoolean(3),
						link(rs.getBoolean(4), rs.getBoolean(5)), rs.getBoolean(6), rs.getBoolean(7) },
				hash, hash, hash);
		if (!current.isEmpty()) {
			Object[] found = current.get(0);
			long id = (Long) found[0];
			InvitationStatus status = InvitationStatus.of((String) found[1]);
			Redemption.Link link = (Redemption.Link) found[3];
			boolean expired = status == InvitationStatus.EXPIRED
					|| (status == InvitationStatus.SENT && (Boolean) found[2]);
			String why = switch (status) {
				case ACCEPTED -> used(link, (Boolean) found[4], (Boolean) found[5]);
				case CANCELLED -> "cancelled";
				case BOUNCED -> "bounced: its address does not take mail";
				default -> expired ? "expired" : "not redeemable in state " + status;
			};
			event(id, EventType.REDEEM_REFUSED,
					why + (link != Redemption.Link.ONLY ? " (" + link.description() + ")" : ""), actor);
			return Redemption.refused(expired ? Redemption.Status.EXPIRED : Redemption.Status.INVALID);
		}
		List<Object[]> retired = jdbc.query("SELECT invitation_id, reason FROM retired_token WHERE token_hash = ?",
				(rs, n) -> new Object[] { rs.getLong(1), rs.getString(2) }, hash);
		if (!retired.isEmpty()) {
			event((Long) retired.get(0)[0], EventType.REDEEM_REFUSED,
					"old link: " + ((String) retired.get(0)[1]).toLowerCase(Locale.ROOT), actor);
		}
		return Redemption.refused(Redemption.Status.INVALID);
	}

	/**
	 * Why a link of an accepted invitation is refused: used itself, or another of its
	 * links was.
	 */
	private static String used(Redemption.Link link, boolean thisUsed, boolean earlierUsed) {
		return switch (link) {
			case ONLY -> "already used";
			case EARLIER -> thisUsed ? "already used" : earlierUsed ? "already accepted with another first link"
					: "already accepted with the re-sent link";
			case RESENT -> earlierUsed ? "already accepted with the first link" : "already used";
		};
	}

	private static Redemption.Link link(boolean earlier, boolean hasEarlier) {
		return earlier ? Redemption.Link.EARLIER : hasEarlier ? Redemption.Link.RESENT : Redemption.Link.ONLY;
	}

	private void event(long invitationId, EventType type, String detail, String actor) {
		invitations.note(invitationId, type, actor, detail);
	}

	/**
	 * Anything that is not a well-formed token cannot match; hashing it anyway keeps
	 * timing uniform.
	 */
	private static byte[] hash(String token) {
		return Tokens.hash(token == null ? "" : token.strip());
	}

	private static String printable(String text) {
		if (text == null || text.isBlank()) {
			return "(none)";
		}
		String clean = text.replaceAll("\\p{Cntrl}", "?");
		return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
	}

}
