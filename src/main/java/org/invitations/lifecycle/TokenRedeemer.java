package org.invitations.lifecycle;

import java.sql.Timestamp;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import org.invitations.delivery.Tokens;
import org.invitations.spec.Kind;

/**
 * The service the host application calls with the token from a link. {@link #inspect} is what the GET of the
 * set-password page uses: it never consumes the token (mail scanners open every link). {@link #redeem} is what
 * the POST of the form uses: it accepts a token exactly once, also under concurrent attempts, because the
 * state change is one conditional UPDATE.
 */
@Service
public class TokenRedeemer {

	/** User agents of link scanners and of clients that are not a person's browser. */
	private static final Pattern SCANNER = Pattern.compile(
			"safelinks|safe links|microsoft office|barracuda|proofpoint|mimecast|symantec|trend ?micro|forcepoint|"
					+ "bot|crawler|spider|preview|python|curl|wget|java/|go-http|okhttp|headless",
			Pattern.CASE_INSENSITIVE);

	private final JdbcTemplate jdbc;

	public TokenRedeemer(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The invitation a token opens, and which of its links the token is: the invitation's newest link, or an
	 * earlier one kept because its attempt was interrupted. Both are looked up by their unique key.
	 */
	private static final String FOUND = """
			found AS (
			    SELECT id AS invitation_id, false AS earlier FROM invitation WHERE token_hash = ?
			    UNION ALL
			    SELECT invitation_id, true FROM earlier_token WHERE token_hash = ?
			    LIMIT 1)
			""";

	/**
	 * Whether the link works, for whom and until when, without consuming it. Records the look in the
	 * invitation's history, marking those that look like a mail scanner.
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
			String status = rs.getString("status");
			// Expired is expired, whether or not the expiry job has closed the invitation yet.
			if ("EXPIRED".equals(status) || ("SENT".equals(status) && rs.getBoolean("expired"))) {
				return new Redemption(Redemption.Status.EXPIRED, rs.getLong("id"), null, null, null, null, null, link);
			}
			if (!"SENT".equals(status)) {
				return new Redemption(Redemption.Status.INVALID, rs.getLong("id"), null, null, null, null, null, link);
			}
			return new Redemption(Redemption.Status.VALID, rs.getLong("id"), rs.getLong("person_id"), rs.getString("email"),
					rs.getString("first_name"), Kind.valueOf(rs.getString("kind")), expires.toInstant(), link);
		}, hash, hash);
		boolean scanner = userAgent == null || userAgent.isBlank() || SCANNER.matcher(userAgent).find();
		String how = (scanner ? ", looks like a mail scanner" : "") + "; user agent: " + printable(userAgent);
		if (found.isEmpty()) {
			jdbc.query("SELECT invitation_id, reason FROM retired_token WHERE token_hash = ?", rs -> {
				event(rs.getLong(1), "INSPECTED", "old link opened (" + rs.getString(2).toLowerCase(Locale.ROOT) + ")" + how,
						"link");
			}, hash);
			return Redemption.refused(Redemption.Status.INVALID);
		}
		Redemption result = found.get(0);
		event(result.invitationId(), "INSPECTED", "link opened (" + result.status().name().toLowerCase(Locale.ROOT)
				+ (result.link() != Redemption.Link.ONLY ? ", " + result.link().description() : "") + ")" + how, "link");
		return result.isSuccess() ? result : Redemption.refused(result.status());
	}

	/**
	 * Accepts the token if it is known, unexpired, not used, not cancelled and not replaced; then it can never
	 * be used again, and neither can the invitation's other links. Accepting also counts as the person's first
	 * login.
	 */
	@Transactional
	public Redemption redeem(String token, String actor) {
		byte[] hash = hash(token);
		// One conditional UPDATE of the invitation, whichever of its links is used: exactly one link wins.
		List<Redemption> accepted = jdbc.query("WITH " + FOUND + """
				, accepted AS (
				    UPDATE invitation i SET status = 'ACCEPTED', accepted_at = now(), closed_at = now()
				    FROM found f
				    WHERE i.id = f.invitation_id AND i.status = 'SENT' AND i.expires_at > now()
				    RETURNING i.id, i.person_id, i.kind, f.earlier),
				person_logged_in AS (
				    UPDATE person p SET last_login_at = coalesce(p.last_login_at, now()), updated_at = now()
				    FROM accepted a WHERE p.id = a.person_id RETURNING p.id, p.email, p.first_name)
				SELECT a.id, a.person_id, a.kind, l.email, l.first_name, a.earlier,
				       EXISTS (SELECT 1 FROM earlier_token e WHERE e.invitation_id = a.id) AS has_earlier
				FROM accepted a JOIN person_logged_in l ON l.id = a.person_id
				""", (rs, n) -> new Redemption(Redemption.Status.ACCEPTED, rs.getLong("id"), rs.getLong("person_id"),
				rs.getString("email"), rs.getString("first_name"), Kind.valueOf(rs.getString("kind")), null,
				link(rs.getBoolean("earlier"), rs.getBoolean("has_earlier"))), hash, hash);
		if (!accepted.isEmpty()) {
			Redemption result = accepted.get(0);
			if (result.link() == Redemption.Link.ONLY) {
				event(result.invitationId(), "ACCEPTED", "token redeemed", actor);
				return result;
			}
			if (result.link() == Redemption.Link.EARLIER) {
				jdbc.update("UPDATE earlier_token SET used_at = now() WHERE token_hash = ?", hash);
			}
			String with = "with the " + result.link().description();
			event(result.invitationId(), "ACCEPTED", "token redeemed " + with, actor);
			// The run's report said the message went out twice; it now also says which one was used.
			jdbc.update("""
					UPDATE job_report_item SET detail = concat_ws('; ', detail, ?), updated_at = now()
					WHERE invitation_id = ? AND reason = 'IN_DOUBT'
					""", "accepted " + with, result.invitationId());
			return result;
		}
		return refuse(hash, actor);
	}

	/** Says why in the history, where the invitation is known; tells the caller only INVALID or EXPIRED. */
	private Redemption refuse(byte[] hash, String actor) {
		List<Object[]> current = jdbc.query("WITH " + FOUND + """
				SELECT i.id, i.status, i.expires_at <= now(), f.earlier,
				       EXISTS (SELECT 1 FROM earlier_token e WHERE e.invitation_id = i.id) AS has_earlier,
				       (SELECT used_at IS NOT NULL FROM earlier_token e WHERE e.token_hash = ?) AS this_used,
				       EXISTS (SELECT 1 FROM earlier_token e WHERE e.invitation_id = i.id AND e.used_at IS NOT NULL) AS earlier_used
				FROM found f JOIN invitation i ON i.id = f.invitation_id
				""", (rs, n) -> new Object[] { rs.getLong(1), rs.getString(2), rs.getBoolean(3),
				link(rs.getBoolean(4), rs.getBoolean(5)), rs.getBoolean(6), rs.getBoolean(7) }, hash, hash, hash);
		if (!current.isEmpty()) {
			Object[] found = current.get(0);
			long id = (Long) found[0];
			String status = (String) found[1];
			Redemption.Link link = (Redemption.Link) found[3];
			boolean expired = "EXPIRED".equals(status) || ("SENT".equals(status) && (Boolean) found[2]);
			String why = switch (status) {
				case "ACCEPTED" -> used(link, (Boolean) found[4], (Boolean) found[5]);
				case "CANCELLED" -> "cancelled";
				default -> expired ? "expired" : "not redeemable in state " + status;
			};
			event(id, "REDEEM_REFUSED", why + (link != Redemption.Link.ONLY ? " (" + link.description() + ")" : ""), actor);
			return Redemption.refused(expired ? Redemption.Status.EXPIRED : Redemption.Status.INVALID);
		}
		List<Object[]> retired = jdbc.query("SELECT invitation_id, reason FROM retired_token WHERE token_hash = ?",
				(rs, n) -> new Object[] { rs.getLong(1), rs.getString(2) }, hash);
		if (!retired.isEmpty()) {
			event((Long) retired.get(0)[0], "REDEEM_REFUSED",
					"old link: " + ((String) retired.get(0)[1]).toLowerCase(Locale.ROOT), actor);
		}
		return Redemption.refused(Redemption.Status.INVALID);
	}

	/** Why a link of an accepted invitation is refused: used itself, or another of its links was. */
	private static String used(Redemption.Link link, boolean thisUsed, boolean earlierUsed) {
		return switch (link) {
			case ONLY -> "already used";
			case EARLIER -> thisUsed ? "already used"
					: earlierUsed ? "already accepted with another first link" : "already accepted with the re-sent link";
			case RESENT -> earlierUsed ? "already accepted with the first link" : "already used";
		};
	}

	private static Redemption.Link link(boolean earlier, boolean hasEarlier) {
		return earlier ? Redemption.Link.EARLIER : hasEarlier ? Redemption.Link.RESENT : Redemption.Link.ONLY;
	}

	private void event(long invitationId, String type, String detail, String actor) {
		jdbc.update("INSERT INTO invitation_event (invitation_id, type, actor, detail) VALUES (?, ?, ?, ?)", invitationId,
				type, actor, detail);
	}

	/** Anything that is not a well-formed token cannot match; hashing it anyway keeps timing uniform. */
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
