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
	 * Whether the link works, for whom and until when, without consuming it. Records the look in the
	 * invitation's history, marking those that look like a mail scanner.
	 * @param userAgent the User-Agent of the request, or {@code null}
	 */
	@Transactional
	public Redemption inspect(String token, String userAgent) {
		List<Redemption> found = jdbc.query("""
				SELECT i.id, i.person_id, p.email, p.first_name, i.kind, i.status, i.expires_at,
				       i.expires_at <= now() AS expired
				FROM invitation i JOIN person p ON p.id = i.person_id WHERE i.token_hash = ?
				""", (rs, n) -> {
			Timestamp expires = rs.getTimestamp("expires_at");
			if (!"SENT".equals(rs.getString("status"))) {
				return new Redemption(Redemption.Status.INVALID, rs.getLong("id"), null, null, null, null, null);
			}
			if (rs.getBoolean("expired")) {
				return new Redemption(Redemption.Status.EXPIRED, rs.getLong("id"), null, null, null, null, null);
			}
			return new Redemption(Redemption.Status.VALID, rs.getLong("id"), rs.getLong("person_id"), rs.getString("email"),
					rs.getString("first_name"), Kind.valueOf(rs.getString("kind")), expires.toInstant());
		}, hash(token));
		boolean scanner = userAgent == null || userAgent.isBlank() || SCANNER.matcher(userAgent).find();
		String how = (scanner ? ", looks like a mail scanner" : "") + "; user agent: " + printable(userAgent);
		if (found.isEmpty()) {
			jdbc.query("SELECT invitation_id, reason FROM retired_token WHERE token_hash = ?", rs -> {
				event(rs.getLong(1), "INSPECTED", "old link opened (" + rs.getString(2).toLowerCase(Locale.ROOT) + ")" + how,
						"link");
			}, hash(token));
			return Redemption.refused(Redemption.Status.INVALID);
		}
		Redemption result = found.get(0);
		event(result.invitationId(), "INSPECTED", "link opened (" + result.status().name().toLowerCase(Locale.ROOT) + ")"
				+ how, "link");
		return result.isSuccess() ? result : Redemption.refused(result.status());
	}

	/**
	 * Accepts the token if it is known, unexpired, not used, not cancelled and not replaced; then it can never
	 * be used again. Accepting also counts as the person's first login.
	 */
	@Transactional
	public Redemption redeem(String token, String actor) {
		byte[] hash = hash(token);
		List<Redemption> accepted = jdbc.query("""
				WITH accepted AS (
				    UPDATE invitation SET status = 'ACCEPTED', accepted_at = now(), closed_at = now()
				    WHERE token_hash = ? AND status = 'SENT' AND expires_at > now()
				    RETURNING id, person_id, kind),
				person_logged_in AS (
				    UPDATE person p SET last_login_at = coalesce(p.last_login_at, now()), updated_at = now()
				    FROM accepted a WHERE p.id = a.person_id RETURNING p.id, p.email, p.first_name)
				SELECT a.id, a.person_id, a.kind, l.email, l.first_name FROM accepted a JOIN person_logged_in l ON l.id = a.person_id
				""", (rs, n) -> new Redemption(Redemption.Status.ACCEPTED, rs.getLong("id"), rs.getLong("person_id"),
				rs.getString("email"), rs.getString("first_name"), Kind.valueOf(rs.getString("kind")), null), hash);
		if (!accepted.isEmpty()) {
			event(accepted.get(0).invitationId(), "ACCEPTED", "token redeemed", actor);
			return accepted.get(0);
		}
		return refuse(hash, actor);
	}

	/** Says why in the history, where the invitation is known; tells the caller only INVALID or EXPIRED. */
	private Redemption refuse(byte[] hash, String actor) {
		List<Object[]> current = jdbc.query("SELECT id, status, expires_at <= now() FROM invitation WHERE token_hash = ?",
				(rs, n) -> new Object[] { rs.getLong(1), rs.getString(2), rs.getBoolean(3) }, hash);
		if (!current.isEmpty()) {
			long id = (Long) current.get(0)[0];
			String status = (String) current.get(0)[1];
			boolean expired = "EXPIRED".equals(status) || ("SENT".equals(status) && (Boolean) current.get(0)[2]);
			String why = switch (status) {
				case "ACCEPTED" -> "already used";
				case "CANCELLED" -> "cancelled";
				default -> expired ? "expired" : "not redeemable in state " + status;
			};
			event(id, "REDEEM_REFUSED", why, actor);
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
