package org.invitations;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The users command: console users and API keys, stored as hashes only, in an application
 * that is no web server.
 */
class UsersIT extends IntegrationTest {

	@Test
	void addsListsChangesAndRemovesConsoleUsersWithHashedPasswords() {
		assertThat(context).isNotInstanceOf(WebApplicationContext.class);
		Result added = withStdin("a long enough secret\n", "users", "add", "alice", "--role", "operator");
		assertThat(added.exitCode()).as(added.err()).isZero();
		assertThat(added.out()).contains("User alice added as operator");
		String hash = jdbc.queryForObject("SELECT password_hash FROM console_user WHERE name = 'alice'", String.class);
		assertThat(hash).startsWith("{bcrypt}").doesNotContain("a long enough secret");
		assertThat(PasswordEncoderFactories.createDelegatingPasswordEncoder().matches("a long enough secret", hash))
			.isTrue();

		Result twice = withStdin("another long secret\n", "users", "add", "ALICE", "--role", "viewer");
		assertThat(twice.exitCode()).isEqualTo(2);
		assertThat(twice.err()).contains("a user named 'ALICE' exists already");
		Result shortPassword = withStdin("short\n", "users", "add", "bob", "--role", "viewer");
		assertThat(shortPassword.exitCode()).isEqualTo(2);
		assertThat(shortPassword.err()).contains("at least 12 characters");
		Result badRole = withStdin("a long enough secret\n", "users", "add", "bob", "--role", "boss");
		assertThat(badRole.exitCode()).isEqualTo(2);
		assertThat(badRole.err()).contains("--role 'boss' is not one of viewer, operator, admin");
		Result noPassword = withStdin("", "users", "add", "bob", "--role", "viewer");
		assertThat(noPassword.exitCode()).isEqualTo(2);
		assertThat(noPassword.err()).contains("no password on standard input");
		assertThat(count("SELECT count(*) FROM console_user")).isOne();

		assertThat(cli("users").out()).containsPattern("alice\\s+operator");
		Result changed = withStdin("a brand new secret\n", "users", "passwd", "alice");
		assertThat(changed.exitCode()).isZero();
		String newHash = jdbc.queryForObject("SELECT password_hash FROM console_user WHERE name = 'alice'",
				String.class);
		assertThat(PasswordEncoderFactories.createDelegatingPasswordEncoder().matches("a brand new secret", newHash))
			.isTrue();
		assertThat(withStdin("a brand new secret\n", "users", "passwd", "nobody").err())
			.contains("error: no console user nobody");

		assertThat(cli("users", "remove", "alice").exitCode()).isZero();
		assertThat(count("SELECT count(*) FROM console_user")).isZero();
		Result again = cli("users", "remove", "alice");
		assertThat(again.exitCode()).isEqualTo(2);
		assertThat(again.err()).contains("error: no console user alice");
	}

	@Test
	void anApiKeyIsPrintedOnceAndOnlyItsHashIsStored() {
		Result added = cli("users", "key", "add", "crm", "--role", "viewer");
		assertThat(added.exitCode()).as(added.err()).isZero();
		String key = added.out().strip();
		assertThat(key).matches("inv_[A-Za-z0-9_-]{43}");
		assertThat(count("SELECT count(*) FROM api_key WHERE key_hash = sha256(convert_to(?, 'UTF8'))", key)).isOne();
		Result listed = cli("users", "key");
		assertThat(listed.out()).containsPattern("crm\\s+viewer").contains("never").doesNotContain(key);
		assertThat(cli("users", "key", "add", "crm", "--role", "admin").err())
			.contains("an API key named 'crm' exists");
		assertThat(cli("users", "key", "remove", "crm").exitCode()).isZero();
		assertThat(count("SELECT count(*) FROM api_key")).isZero();
	}

	private Result withStdin(String input, String... args) {
		InputStream original = System.in;
		System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
		try {
			return cli(args);
		}
		finally {
			System.setIn(original);
		}
	}

}
