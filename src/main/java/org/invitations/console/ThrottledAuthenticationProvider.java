package org.invitations.console;

import java.time.Duration;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Checks a console sign-in against the stored users, refusing it unchecked while its name
 * and address must wait.
 */
class ThrottledAuthenticationProvider implements AuthenticationProvider {

	private final AuthenticationProvider users;

	private final LoginThrottle throttle;

	ThrottledAuthenticationProvider(AuthenticationProvider users, LoginThrottle throttle) {
		this.users = users;
		this.throttle = throttle;
	}

	@Override
	public Authentication authenticate(Authentication authentication) throws AuthenticationException {
		String name = authentication.getName();
		String address = authentication.getDetails() instanceof WebAuthenticationDetails details
				? details.getRemoteAddress() : "";
		Duration wait = throttle.wait(name, address);
		if (!wait.isZero()) {
			throw new LockedException(
					"Too many failed sign-ins: try again in " + Math.max(1, wait.toSeconds()) + " seconds");
		}
		try {
			Authentication result = users.authenticate(authentication);
			throttle.succeeded(name, address);
			return result;
		}
		catch (BadCredentialsException ex) {
			throttle.failed(name, address);
			throw ex;
		}
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
