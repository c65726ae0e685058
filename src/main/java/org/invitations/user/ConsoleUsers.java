package org.invitations.user;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Repository;

import org.invitations.invitation.Tokens;

/**
 * The people and machine clients allowed into the console and the API, for the
 * {@code users} command and the console's user page alike. Only hashes are stored:
 * passwords by Spring Security's delegating encoder, API keys (256 random bits) by
 * SHA-256, so a stolen table opens nothing.
 */
@Repository
public class ConsoleUsers {

	/** Shorter passwords are refused: a console can launch a send to everyone. */
	public static final int MIN_PASSWORD_LENGTH = 12;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JdbcTemplate jdbc;

	private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

	public ConsoleUsers(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** A console user as stored; the hash never leaves the server. */
	public record User(String name, ConsoleRole role, String passwordHash, Instant createdAt) {
	}

	/** An API key as listed: never the key itself. */
	public record ApiKey(String name, ConsoleRole role, Instant createdAt, Instant lastUsedAt) {
	}

	public PasswordEncoder encoder() {
		return encoder;
	}

	/**
	 * @throws IllegalArgumentException when the name is taken or the password too short
	 */
	public void add(String name, ConsoleRole role, char[] password) {
		String checked = checkName(name);
		String hash = encode(password);
		try {
			jdbc.update("INSERT INTO console_user (name, password_hash, role) VALUES (?, ?, ?)", checked, hash,
					role.name());
		}
		catch (DuplicateKeyException ex) {
			throw new IllegalArgumentException("a user named '" + checked + "' exists already");
		}
	}

	/**
	 * @return whether the user exists
	 */
	public boolean changePassword(String name, char[] password) {
		return jdbc.update("UPDATE console_user SET password_hash = ?, updated_at = now() WHERE lower(name) = lower(?)",
				encode(password), name) == 1;
	}

	/**
	 * @return whether the user existed
	 */
	public boolean remove(String name) {
		return jdbc.update("DELETE FROM console_user WHERE lower(name) = lower(?)", name) == 1;
	}

	public Optional<User> find(String name) {
		return jdbc
			.query("SELECT name, role, password_hash, created_at FROM console_user WHERE lower(name) = lower(?)",
					(rs, n) -> new User(rs.getString(1), ConsoleRole.valueOf(rs.getString(2)), rs.getString(3),
							rs.getTimestamp(4).toInstant()),
					name)
			.stream()
			.findFirst();
	}

	public List<User> list() {
		return jdbc.query("SELECT name, role, created_at FROM console_user ORDER BY lower(name)",
				(rs, n) -> new User(rs.getString(1), ConsoleRole.valueOf(rs.getString(2)), null,
						rs.getTimestamp(3).toInstant()));
	}

	/**
	 * Creates an API key; the returned plaintext is shown once and never stored.
	 * @throws IllegalArgumentException when the name is taken
	 */
	public String addKey(String name, ConsoleRole role) {
		String checked = checkName(name);
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		String key = "inv_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		try {
			jdbc.update("INSERT INTO api_key (name, key_hash, role) VALUES (?, ?, ?)", checked, Tokens.hash(key),
					role.name());
		}
		catch (DuplicateKeyException ex) {
			throw new IllegalArgumentException("an API key named '" + checked + "' exists already");
		}
		return key;
	}

	/**
	 * @return whether the key existed
	 */
	public boolean removeKey(String name) {
		return jdbc.update("DELETE FROM api_key WHERE lower(name) = lower(?)", name) == 1;
	}

	public List<ApiKey> keys() {
		return jdbc.query("SELECT name, role, created_at, last_used_at FROM api_key ORDER BY lower(name)",
				(rs, n) -> new ApiKey(rs.getString(1), ConsoleRole.valueOf(rs.getString(2)),
						rs.getTimestamp(3).toInstant(), instant(rs.getTimestamp(4))));
	}

	/**
	 * The key's name and role, when the presented key is one; looked up by its hash, so
	 * timing says nothing.
	 */
	public Optional<ApiKey> authenticateKey(String presented) {
		return jdbc
			.query("""
					UPDATE api_key SET last_used_at = now() WHERE key_hash = ?
					RETURNING name, role, created_at, last_used_at
					""",
					(rs, n) -> new ApiKey(rs.getString(1), ConsoleRole.valueOf(rs.getString(2)),
							rs.getTimestamp(3).toInstant(), instant(rs.getTimestamp(4))),
					Tokens.hash(presented.strip()))
			.stream()
			.findFirst();
	}

	private String encode(char[] password) {
		if (password == null || password.length < MIN_PASSWORD_LENGTH) {
			throw new IllegalArgumentException(
					"the password must have at least " + MIN_PASSWORD_LENGTH + " characters");
		}
		return encoder.encode(java.nio.CharBuffer.wrap(password));
	}

	private static String checkName(String name) {
		String stripped = name == null ? "" : name.strip();
		if (!stripped.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")) {
			throw new IllegalArgumentException(
					"name '" + name + "' must be 1 to 64 letters, digits, '.', '_', '@' or '-'");
		}
		return stripped;
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}

}
