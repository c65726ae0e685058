package org.invitations.delivery;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokensTest {

	@Test
	void tokensAre256RandomBitsUrlSafe() {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			String token = Tokens.generate();
			assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
			assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
			assertThat(seen.add(token)).isTrue();
		}
	}

	@Test
	void hashIsSha256OfTheToken() {
		// SHA-256("abc"), FIPS 180-2 test vector.
		assertThat(Tokens.hashHex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	}

}
