package org.invitations.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Refuses every request that would start a run (a dry run, a send, a restart, a resend)
 * once the server has begun to shut down: the runs under way are being stopped, and one
 * started now would be cut off or started after they were counted. The page answers 503
 * with what to do; the API the same in JSON. Stops, cancels and reads go on.
 */
@Configuration
@ConditionalOnWebApplication
class ShutdownGate implements WebMvcConfigurer, HandlerInterceptor {

	static final String MESSAGE = "The console is shutting down: no new run starts now. Runs under way stop at their"
			+ " next chunk; launch it again once the console is back.";

	/** The paths whose POST starts a run, in the console and in the API. */
	private static final String[] LAUNCHES = { "/specs/*/dry-run", "/runs/*/send", "/runs/*/restart", "/runs/*/confirm",
			"/runs/*/resend", "/runs/*/resend-any-interval", "/invitations/resend", "/people/send", "/people/*/send",
			"/imports", "/api/v1/specs/*/dry-run", "/api/v1/runs/*/send", "/api/v1/runs/*/restart",
			"/api/v1/runs/*/confirm", "/api/v1/invitations/*/resend" };

	private final ConsoleServer server;

	ShutdownGate(ConsoleServer server) {
		this.server = server;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(this).addPathPatterns(LAUNCHES);
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws IOException {
		if (!server.shuttingDown() || !"POST".equals(request.getMethod())) {
			return true;
		}
		response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
			response.setContentType(MediaType.APPLICATION_JSON_VALUE);
			response.getWriter().write("{\"error\":\"" + MESSAGE + "\"}");
		}
		else {
			response.setContentType(MediaType.TEXT_HTML_VALUE);
			response.getWriter()
				.write("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
						+ "<title>Shutting down · Invitations</title></head><body><main><h1>Shutting down</h1><p class=\"error\">"
						+ MESSAGE + "</p></main></body></html>");
		}
		return false;
	}

}
