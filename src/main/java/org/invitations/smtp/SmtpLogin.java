package org.invitations.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Logs in (RFC 4954) with the first configured mechanism the server offers: PLAIN (RFC
 * 4616), LOGIN, or XOAUTH2 (an OAuth 2.0 access token as the password, as Google and
 * Microsoft 365 take it). A refusal is an {@link IOException} that names the user, never
 * the password.
 */
final class SmtpLogin {

	private SmtpLogin() {
	}

	static void authenticate(SmtpChannel channel, SmtpSettings.Login login, ServerExtensions offered)
			throws IOException {
		if (offered.authMechanisms().isEmpty()) {
			throw new IOException("the server offers no login (AUTH)"
					+ (channel.encrypted() ? "" : " on an unencrypted session: set mail.smtp.starttls.enable=true")
					+ " but spring.mail.username is set");
		}
		String mechanism = login.mechanisms()
			.stream()
			.filter(offered.authMechanisms()::contains)
			.findFirst()
			.orElseThrow(() -> new IOException("the server offers AUTH " + String.join(" ", offered.authMechanisms())
					+ ", none of " + String.join(" ", login.mechanisms())
					+ " (set mail.smtp.auth.mechanisms to one it offers)"));
		SmtpReply reply = switch (mechanism) {
			case "PLAIN" -> channel.command("AUTH PLAIN " + base64("\0" + login.username() + "\0" + login.password()));
			case "LOGIN" -> login(channel, login);
			case "XOAUTH2" -> xoauth2(channel, login);
			default -> throw new IOException("unknown login mechanism " + mechanism);
		};
		if (reply.code() != 235) {
			throw new IOException("login as " + login.username() + " (" + mechanism + ") refused: " + reply);
		}
	}

	private static SmtpReply login(SmtpChannel channel, SmtpSettings.Login login) throws IOException {
		SmtpReply reply = channel.command("AUTH LOGIN");
		if (reply.code() == 334) {
			reply = channel.command(base64(login.username()));
		}
		if (reply.code() == 334) {
			reply = channel.command(base64(login.password()));
		}
		return reply;
	}

	private static SmtpReply xoauth2(SmtpChannel channel, SmtpSettings.Login login) throws IOException {
		SmtpReply reply = channel.command(
				"AUTH XOAUTH2 " + base64("user=" + login.username() + "\1auth=Bearer " + login.password() + "\1\1"));
		if (reply.code() == 334) {
			// The server's error details, base64 JSON; an empty line ends the exchange
			// with the real refusal.
			reply = channel.command("");
		}
		return reply;
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

}
