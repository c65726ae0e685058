package org.invitations.console;

import java.security.Principal;
import java.time.Instant;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import org.invitations.lifecycle.Redemption;
import org.invitations.lifecycle.TokenRedeemer;

/**
 * The host application's set-password page over HTTP: inspect a token (never consumes it)
 * and redeem it (exactly once). The token travels in the request body only, never in a
 * URL, so it is in no access log. A refused token gets {@code INVALID} or {@code EXPIRED}
 * and nothing else, whatever the reason.
 */
@RestController
@RequestMapping("/api/v1/tokens")
@ConditionalOnWebApplication
class TokenApiController {

	private final TokenRedeemer redeemer;

	TokenApiController(TokenRedeemer redeemer) {
		this.redeemer = redeemer;
	}

	/** The request: the token from the link. */
	record TokenRequest(String token) {
	}

	/** The answer; every field but {@code status} is absent when the token is refused. */
	record TokenAnswer(String status, Long invitationId, Long personId, String email, String firstName, String kind,
			Instant expiresAt, String link) {

		static TokenAnswer of(Redemption r) {
			return new TokenAnswer(r.status().name(), r.invitationId(), r.personId(), r.email(), r.firstName(),
					r.kind() == null ? null : r.kind().name(), r.expiresAt(),
					r.link() == null ? null : r.link().name());
		}

	}

	@PostMapping("/inspect")
	ResponseEntity<TokenAnswer> inspect(@RequestBody TokenRequest request,
			@RequestHeader(value = "User-Agent", required = false) String userAgent) {
		return answer(redeemer.inspect(request.token(), userAgent));
	}

	@PostMapping("/redeem")
	ResponseEntity<TokenAnswer> redeem(@RequestBody TokenRequest request, Principal principal) {
		return answer(redeemer.redeem(request.token(), Actors.of(principal)));
	}

	private static ResponseEntity<TokenAnswer> answer(Redemption redemption) {
		return ResponseEntity.status(redemption.isSuccess() ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_ENTITY)
			.body(TokenAnswer.of(redemption));
	}

}
