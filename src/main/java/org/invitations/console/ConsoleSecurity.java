package org.invitations.console;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

import org.invitations.user.ConsoleUsers;

/**
 * Who may do what in {@code serve}. The API (under {@code /api/}) is stateless and takes
 * API keys; the pages take a form sign-in with a session. Viewers read; operators also
 * launch, resend, cancel and stop; admins also manage users and the host application's
 * events. Every route is named with its role; whatever is not named is refused. CSRF
 * protection stays on for every page form.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class ConsoleSecurity {

	/**
	 * No inline script or style anywhere: the pages load their one stylesheet and script
	 * from the server.
	 */
	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; object-src 'none'; base-uri 'none';"
			+ " frame-ancestors 'none'; form-action 'self'";

	/**
	 * The actuator: health (with its liveness and readiness groups) and info answer
	 * anyone, so that a load balancer or an orchestrator can probe without credentials
	 * (details only for a signed-in user or a key); the metrics take an API key of any
	 * role, as Prometheus sends it ({@code authorization: credentials}), or a signed-in
	 * user.
	 */
	@Bean
	@Order(0)
	SecurityFilterChain actuator(HttpSecurity http, ConsoleUsers users) throws Exception {
		http.securityMatcher("/actuator/**")
			.authorizeHttpRequests(requests -> requests
				.requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**", "/actuator/info")
				.permitAll()
				.requestMatchers(HttpMethod.GET, "/actuator/prometheus")
				.hasRole("VIEWER")
				.anyRequest()
				.denyAll())
			.addFilterBefore(new ApiKeyFilter(users), UsernamePasswordAuthenticationFilter.class)
			// A signed-in user's session is read (it is never created here); nothing here
			// changes state.
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.NEVER))
			.csrf(csrf -> csrf.disable())
			.requestCache(cache -> cache.disable())
			.exceptionHandling(
					errors -> errors.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
			.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY)));
		return http.build();
	}

	@Bean
	@Order(1)
	SecurityFilterChain api(HttpSecurity http, ConsoleUsers users) throws Exception {
		http.securityMatcher("/api/**")
			.authorizeHttpRequests(requests -> requests
				// Reading, and the host application's set-password page relaying a
				// person's
				// own use of their link.
				.requestMatchers(HttpMethod.GET, "/api/v1/runs", "/api/v1/runs/*", "/api/v1/workers",
						"/api/v1/openapi.json", "/api/v1/openapi.json.yaml")
				.hasRole("VIEWER")
				.requestMatchers(HttpMethod.POST, "/api/v1/tokens/inspect", "/api/v1/tokens/redeem")
				.hasRole("VIEWER")
				.requestMatchers(HttpMethod.POST, "/api/v1/specs/*/dry-run", "/api/v1/runs/*/send",
						"/api/v1/runs/*/restart", "/api/v1/runs/*/confirm", "/api/v1/runs/*/abandon",
						"/api/v1/runs/*/stop", "/api/v1/invitations/*/cancel", "/api/v1/invitations/*/resend")
				.hasRole("OPERATOR")
				// A call without a rule of its own is refused: a new endpoint states its
				// role
				// here, and the route table test (RouteRolesIT) fails until it does.
				.anyRequest()
				.denyAll())
			.addFilterBefore(new ApiKeyFilter(users), UsernamePasswordAuthenticationFilter.class)
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			// No cookies are read here, so there is no cross-site request to forge.
			.csrf(csrf -> csrf.disable())
			.exceptionHandling(
					errors -> errors.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
			.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY)));
		return http.build();
	}

	/**
	 * The providers' bounce and complaint webhooks: no session, no API key and no CSRF
	 * token, for a provider has none; each request is authenticated by its own signature
	 * (SNS's certificate signature, Mailgun's HMAC), which its controller checks before
	 * anything is believed. Anything else under {@code /hooks/} is refused.
	 */
	@Bean
	@Order(2)
	SecurityFilterChain hooks(HttpSecurity http) throws Exception {
		http.securityMatcher("/hooks/**")
			.authorizeHttpRequests(requests -> requests.requestMatchers(HttpMethod.POST, "/hooks/ses", "/hooks/mailgun")
				.permitAll()
				.anyRequest()
				.denyAll())
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf(csrf -> csrf.disable())
			.requestCache(cache -> cache.disable())
			.exceptionHandling(
					errors -> errors.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
			.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY)));
		return http.build();
	}

	/**
	 * The pages, by role, each route by name: viewers read every page but the Users page;
	 * operators also see the confirmation pages of what they may do, and do it; admins
	 * also manage users. Anything not named is refused.
	 */
	@Bean
	@Order(3)
	SecurityFilterChain console(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests(requests -> requests
			.requestMatchers(HttpMethod.GET, "/login", "/css/**", "/js/**", "/favicon.ico")
			.permitAll()
			// An error page is shown for the request that failed, whatever its
			// method.
			.requestMatchers("/error")
			.permitAll()
			.requestMatchers("/users", "/users/**")
			.hasRole("ADMIN")
			.requestMatchers(HttpMethod.GET, "/events")
			.hasRole("ADMIN")
			.requestMatchers(HttpMethod.POST, "/events/*/replay", "/events/replay-failed")
			.hasRole("ADMIN")
			.requestMatchers(HttpMethod.GET, "/", "/people", "/people/*", "/runs", "/runs/*", "/runs/*/report.*",
					"/workers", "/invitations", "/specs", "/suppressions", "/suppressions.csv")
			.hasRole("VIEWER")
			.requestMatchers(HttpMethod.POST, "/notices/*/dismiss")
			.hasRole("VIEWER")
			.requestMatchers(HttpMethod.GET, "/runs/*/restart", "/runs/*/abandon", "/runs/*/cancel",
					"/invitations/cancel", "/imports/new", "/specs/*/expire")
			.hasRole("OPERATOR")
			.requestMatchers(HttpMethod.POST, "/people/send", "/people/*/send", "/imports", "/runs/*/send",
					"/runs/*/stop", "/runs/*/restart", "/runs/*/confirm", "/runs/*/abandon", "/runs/*/cancel",
					"/runs/*/resend", "/runs/*/resend-any-interval", "/invitations/cancel", "/invitations/resend",
					"/specs/*/dry-run", "/specs/*/expire", "/suppressions", "/suppressions/lift",
					"/suppressions/import")
			.hasRole("OPERATOR")
			// A route without a rule of its own is refused: a new page states its
			// role
			// here, and the route table test (RouteRolesIT) fails until it does.
			.anyRequest()
			.denyAll())
			.formLogin(form -> form.loginPage("/login").permitAll().defaultSuccessUrl("/people", false))
			.logout(logout -> logout.logoutSuccessUrl("/login?signedOut").permitAll())
			.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)));
		return http.build();
	}

	/**
	 * The stored users, checked by the delegating encoder; one bean, so Spring Security
	 * uses no other.
	 */
	@Bean
	AuthenticationProvider consoleAuthentication(ConsoleUsers users, JdbcTemplate jdbc) {
		UserDetailsService details = name -> users.find(name)
			.map(user -> User.withUsername(user.name())
				.password(user.passwordHash())
				.authorities(user.role().authorities().toArray(String[]::new))
				.build())
			.orElseThrow(() -> new UsernameNotFoundException("no console user"));
		DaoAuthenticationProvider dao = new DaoAuthenticationProvider(details);
		dao.setPasswordEncoder(users.encoder());
		return new ThrottledAuthenticationProvider(dao, new LoginThrottle(jdbc, Clock.systemUTC()));
	}

}
