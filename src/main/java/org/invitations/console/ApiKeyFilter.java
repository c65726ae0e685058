package org.invitations.console;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import org.invitations.user.ConsoleUsers;

/**
 * Authenticates an API request by its key, from {@code Authorization: Bearer …} or
 * {@code X-Api-Key}. A request without a known key stays anonymous and is refused with
 * 401 by the API's rules.
 */
class ApiKeyFilter extends OncePerRequestFilter {

	private final ConsoleUsers users;

	ApiKeyFilter(ConsoleUsers users) {
		this.users = users;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		presented(request).flatMap(users::authenticateKey).ifPresent(key -> {
			var authentication = UsernamePasswordAuthenticationToken.authenticated("key:" + key.name(), null,
					AuthorityUtils.createAuthorityList(key.role().authorities()));
			SecurityContextHolder.getContext().setAuthentication(authentication);
		});
		chain.doFilter(request, response);
	}

	private static Optional<String> presented(HttpServletRequest request) {
		String header = request.getHeader("Authorization");
		if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() > 7) {
			return Optional.of(header.substring(7).strip());
		}
		String key = request.getHeader("X-Api-Key");
		return key == null || key.isBlank() ? Optional.empty() : Optional.of(key.strip());
	}

}
