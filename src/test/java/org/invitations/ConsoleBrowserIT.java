package org.invitations;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import org.junit.jupiter.api.Test;

import org.invitations.testsupport.Chromium;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real headless Chromium (the system's, no browser download), step by
 * step as an admin uses it; each step checks the page and what PostgreSQL and the mail
 * server hold.
 */
class ConsoleBrowserIT extends BrowserTest {

	private static final LocatorAssertions.HasTextOptions A_RUN = new LocatorAssertions.HasTextOptions()
		.setTimeout(90_000);

	@Test
	void anOperatorLaunchesTheDemoFollowsTheRunAndResendsAndCancels() throws Exception {
		addUser("olga", "operator");
		Page page = signIn("olga");

		page.locator("nav").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Specs")).click();
		PlaywrightAssertions.assertThat(page.locator("[data-spec='broken.yml']")).containsText("broken.yml");
		page.locator("#launch-demo").click();
		Locator send = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send 26 invitations"));
		PlaywrightAssertions.assertThat(send).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(90_000));
		PlaywrightAssertions.assertThat(page.locator("table.totals")).containsText("Would be sent");
		assertThat(received()).isEmpty();
		assertThat(count("SELECT count(*) FROM invitation")).isZero();

		send.click();
		PlaywrightAssertions.assertThat(page.locator("#status")).hasText("Completed", A_RUN);
		PlaywrightAssertions.assertThat(page.locator("table.totals")).containsText("Sent");
		assertThat(received()).hasSize(26);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(26);

		// The problems: the rejected rows only, and the same as a CSV file.
		page.locator("select[name=outcome]").selectOption("REJECTED");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
		assertThat(page.locator("main table.items").locator("tbody tr").allTextContents()).hasSize(8)
			.allMatch(row -> row.contains("Rejected"));
		Download download = page.waitForDownload(() -> page.getByText("Export CSV").click());
		List<String> csv = Files.readAllLines(download.path());
		assertThat(csv).hasSize(9)
			.first()
			.isEqualTo("\uFEFFitem,line,email,outcome,reason,detail,invitation_id,kind,first_name,last_name");
		assertThat(csv.subList(1, 9)).allMatch(line -> line.contains(",REJECTED,"));

		List<Map<String, Object>> two = jdbc.queryForList(
				"SELECT id, person_id, coalesce(email, email_normalized) AS email FROM invitation ORDER BY id LIMIT 2");
		long resent = (Long) two.get(0).get("id");
		long cancelled = (Long) two.get(1).get("id");

		// Resend one: a dry run of that one invitation first, then "Send 1 invitation".
		page.navigate(base() + "/invitations?invitation=" + resent);
		page.locator("#resend-" + resent).click();
		Locator sendOne = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send 1 invitation"));
		PlaywrightAssertions.assertThat(sendOne).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(90_000));
		sendOne.click();
		PlaywrightAssertions.assertThat(page.locator("#status")).hasText("Completed", A_RUN);
		assertThat(received()).hasSize(27);
		assertThat(received().stream().map(Mails::to).filter(two.get(0).get("email")::equals)).hasSize(2);
		assertThat(jdbc.queryForObject("SELECT attempt_count FROM invitation WHERE id = ?", Integer.class, resent))
			.isEqualTo(2);

		// Cancel another, confirming the exact number.
		page.navigate(base() + "/invitations?invitation=" + cancelled);
		page.locator("#cancel-" + cancelled).click();
		page.getByLabel("Reason").fill("asked not to be invited");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel 1 invitation")).click();
		PlaywrightAssertions.assertThat(page.locator(".flash")).hasText("1 invitation cancelled");
		assertThat(jdbc.queryForObject("SELECT status FROM invitation WHERE id = ?", String.class, cancelled))
			.isEqualTo("CANCELLED");

		// Both in the people's histories, with who did it.
		page.navigate(base() + "/people/" + two.get(0).get("person_id"));
		PlaywrightAssertions.assertThat(page.locator("#history")).containsText("RESENT");
		page.navigate(base() + "/people/" + two.get(1).get("person_id"));
		PlaywrightAssertions.assertThat(page.locator("#history")).containsText("CANCELLED");
		PlaywrightAssertions.assertThat(page.locator("#history")).containsText("console:olga");
		PlaywrightAssertions.assertThat(page.locator("#history")).containsText("asked not to be invited");
		assertThat(jdbc.queryForList("SELECT type || ' ' || actor FROM execution_event ORDER BY id", String.class))
			.containsExactly("LAUNCHED console:olga", "LAUNCHED console:olga", "RESEND_LAUNCHED console:olga",
					"RESEND_LAUNCHED console:olga");
		assertThat(count("SELECT count(*) FROM invitation_history WHERE type = 'CANCELLED' AND actor = 'console:olga'"))
			.isOne();
	}

	@Test
	void aViewerIsRefusedAResendAndAFormWithoutItsTokenIsRefused() throws Exception {
		assertThat(cli("run", JOBS.resolve("demo.yml").toString()).exitCode()).isZero();
		long executions = count("SELECT count(*) FROM batch_job_execution");
		addUser("vera", "viewer");
		addUser("olga", "operator");

		Page viewer = signIn("vera");
		viewer.navigate(base() + "/invitations");
		PlaywrightAssertions.assertThat(viewer.locator("#total")).hasText("26");
		PlaywrightAssertions.assertThat(viewer.locator("#resend-1")).hasCount(0);
		String token = viewer.locator("input[name=_csrf]").first().inputValue();
		var refused = viewer.request()
			.post(base() + "/invitations/resend?invitation=1",
					RequestOptions.create().setForm(FormData.create().set("_csrf", token)).setMaxRedirects(0));
		assertThat(refused.status()).isEqualTo(403);
		assertThat(count("SELECT count(*) FROM batch_job_execution")).isEqualTo(executions);
		session.close();

		Page operator = signIn("olga");
		operator.navigate(base() + "/invitations");
		var forged = operator.request()
			.post(base() + "/invitations/cancel?invitation=1",
					RequestOptions.create()
						.setForm(FormData.create().set("expected", "1").set("reason", "forged"))
						.setMaxRedirects(0));
		assertThat(forged.status()).isEqualTo(403);
		assertThat(jdbc.queryForObject("SELECT status FROM invitation WHERE id = 1", String.class)).isEqualTo("SENT");
		String operatorToken = operator.locator("input[name=_csrf]").first().inputValue();
		var real = operator.request()
			.post(base() + "/invitations/cancel?invitation=1", RequestOptions.create()
				.setForm(FormData.create().set("_csrf", operatorToken).set("expected", "1").set("reason", "asked"))
				.setMaxRedirects(0));
		assertThat(real.status()).isEqualTo(302);
		assertThat(jdbc.queryForObject("SELECT status FROM invitation WHERE id = 1", String.class))
			.isEqualTo("CANCELLED");
	}

	@Test
	void pagesCarryStrictHeadersAndRepeatedWrongPasswordsAreThrottled() {
		// A name of its own: the throttle it sets off lasts beyond this test, in the
		// server that the others share.
		addUser("tom", "operator");
		session = browser.newContext();
		Page page = session.newPage();
		Response login = page.navigate(base() + "/runs");
		assertThat(page.url()).endsWith("/login");
		assertThat(login.headers()).containsEntry("x-frame-options", "DENY")
			.containsEntry("x-content-type-options", "nosniff");
		assertThat(login.headers().get("content-security-policy")).startsWith("default-src 'self'");
		// One script, served by the console itself (times in the browser's zone); none
		// inline, which the policy would refuse anyway.
		assertThat(page.locator("script:not([src])").count()).isZero();
		assertThat(page.locator("script[src]").getAttribute("src")).isEqualTo("/js/console.js");
		for (int i = 0; i < 5; i++) {
			page.getByLabel("Name").fill("tom");
			page.getByLabel("Password").fill("wrong password " + i);
			page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
			PlaywrightAssertions.assertThat(page.locator("main .error")).hasText("Wrong name or password");
		}
		// Now even the right password has to wait.
		page.getByLabel("Name").fill("tom");
		page.getByLabel("Password").fill(PASSWORD);
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
		PlaywrightAssertions.assertThat(page.locator("main .error")).containsText("Too many failed sign-ins");
		assertThat(session.cookies()).filteredOn(c -> c.name.equals("INVITATIONS_SESSION"))
			.allMatch(c -> c.httpOnly && c.sameSite != null);
	}

	private Page signIn(String name) {
		return signIn(name, "/runs", "Runs");
	}

}
