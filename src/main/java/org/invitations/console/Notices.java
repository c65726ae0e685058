package org.invitations.console;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import org.invitations.notify.ConsoleNotices;

/**
 * The notices of runs the signed-in user launched that have ended: every page shows them
 * above its content ({@code fragments/layout}), each with a link to its run, until the
 * user dismisses it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class Notices implements WebMvcConfigurer, HandlerInterceptor {

	private final ConsoleNotices notices;

	Notices(ConsoleNotices notices) {
		this.notices = notices;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(this).excludePathPatterns("/api/**", "/css/**", "/js/**", "/actuator/**");
	}

	/** Adds the user's notices to every page rendered for them (not to a redirect). */
	@Override
	public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
			ModelAndView view) {
		Principal user = request.getUserPrincipal();
		if (user != null && view != null && view.getViewName() != null && !view.getViewName().startsWith("redirect:")) {
			view.addObject("notices", notices.unread(user.getName()));
		}
	}

}
