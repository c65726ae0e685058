package org.invitations.invitation;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokensTest {

	@Test
	void tokensCarryMoreThan256RandomBitsUrlSafeAndNeverLookLikeAnOption() {
		Set<String> seen = new HashSet<>();
		Set<Character> firsts = new HashSet<>();
		// 20,000 draws: a leading '-' would turn up about 300 times if it were allowed.
		for (int i = 0; i < 20_000; i++) {
			String token = Tokens.generate();
			assertThat(token).hasSize(44).matches("[A-Za-z0-9_-]+").doesNotStartWith("-");
			assertThat(Base64.getUrlDecoder().decode(token)).hasSize(33);
			assertThat(seen.add(token)).isTrue();
			firsts.add(token.charAt(0));
		}
		// Every other first character still occurs: the rule removes one symbol, not a
		// range.
		assertThat(firsts).hasSize(63).contains('_');
	}

	@Test
	void hashIsSha256OfTheToken() {
		// SHA-256("abc"), FIPS 180-2 test vector.
		assertThat(Tokens.hashHex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	}

}
