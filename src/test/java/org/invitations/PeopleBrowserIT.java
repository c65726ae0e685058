package org.invitations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

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
 * The console as admins coming from a CRM use it, in a real headless Chromium: start from
 * the people, choose some and a role, review the dry run, send; upload an import file;
 * and the promises that hold on every path: a finished run cannot be restarted, a restart
 * does not read a changed file, a "do not invite again" sticks, a viewer does not see the
 * Users page, and whoever launched a run hears when it ends. With
 * {@code -Ddocs.screenshots=true} it also takes the README's screenshots
 * ({@code src/docs/}).
 */
class PeopleBrowserIT extends BrowserTest {

	private static final LocatorAssertions.HasTextOptions A_RUN = new LocatorAssertions.HasTextOptions()
		.setTimeout(90_000);

	private static final LocatorAssertions.IsVisibleOptions A_DRY_RUN = new LocatorAssertions.IsVisibleOptions()
		.setTimeout(90_000);

	@Test
	void searchPeopleTickThreeChooseARoleReviewAndSend() throws Exception {
		people();
		addUser("olga", "operator");
		Page page = signIn("olga");

		page.getByLabel("Name or address").fill("smith");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
		PlaywrightAssertions.assertThat(page.locator("#total")).hasText("4");
		List<Long> chosen = jdbc.queryForList(
				"SELECT id FROM person WHERE last_name LIKE 'Smith%' AND first_name <> 'Zoe' ORDER BY id", Long.class);
		for (long id : chosen) {
			page.locator("#person-" + id).check();
		}
		page.getByLabel("Role to give").selectOption("coordinator");
		screenshot(page, "people-first.png");
		page.locator("#send-ticked").click();

		Locator send = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send 3 invitations"));
		PlaywrightAssertions.assertThat(send).isVisible(A_DRY_RUN);
		PlaywrightAssertions.assertThat(page.locator("table.totals")).containsText("Would be sent");
		assertThat(received()).isEmpty();
		send.click();
		PlaywrightAssertions.assertThat(page.locator("#status")).hasText("Completed", A_RUN);
		assertThat(received()).extracting(Mails::to)
			.containsExactlyInAnyOrder("anna.smith@example.org", "anne.smithers@example.org", "sam.smith@example.org");
		assertThat(jdbc.queryForList("SELECT DISTINCT r.name FROM invitation i JOIN role r ON r.id = i.role_id",
				String.class))
			.containsExactly("coordinator");

		// The operator hears of both runs they launched, on whatever page they open next.
		page.navigate(base() + "/people");
		Locator notices = page.locator(".notices");
		PlaywrightAssertions.assertThat(notices).containsText("completed: 3 invitations sent");
		PlaywrightAssertions.assertThat(notices).containsText("completed: 3 would be sent");
		page.locator(".notice")
			.filter(new Locator.FilterOptions().setHasText("3 invitations sent"))
			.getByRole(AriaRole.BUTTON)
			.click();
		PlaywrightAssertions.assertThat(page.locator(".notices")).not().containsText("3 invitations sent");
		PlaywrightAssertions.assertThat(page.locator("tr[data-person='" + chosen.get(0) + "']"))
			.containsText("Pending");
	}

	@Test
	void uploadACsvReviewItsDryRunAndSend() throws Exception {
		addUser("olga", "operator");
		Page page = signIn("olga");
		Path csv = write("new-members.csv", "email,first_name,last_name\numa@example.org,Uma,One\n"
				+ "ugo@example.org,Ugo,Two\nnot-an-address,Bad,Row\n");

		page.navigate(base() + "/imports/new");
		page.getByLabel("CSV file").setInputFiles(csv);
		page.getByLabel("Role to give").selectOption("volunteer");
		screenshot(page, "import.png");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Upload and dry run")).click();

		Locator send = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send 2 invitations"));
		PlaywrightAssertions.assertThat(send).isVisible(A_DRY_RUN);
		PlaywrightAssertions.assertThat(page.locator("table.totals")).containsText("Rejected");
		assertThat(count("SELECT count(*) FROM person")).isZero();
		send.click();
		PlaywrightAssertions.assertThat(page.locator("#status")).hasText("Completed", A_RUN);
		assertThat(received()).extracting(Mails::to).containsExactlyInAnyOrder("uma@example.org", "ugo@example.org");
	}

	@Test
	void aRestartContinuesOnlyTheSameInputAndAFinishedRunOffersNone() throws Exception {
		Path csv = JOBS.resolve("samples/stopped.csv");
		Files.writeString(csv, peopleCsv(9));
		Path spec = JOBS.resolve("stopped.yml");
		Files.writeString(spec,
				Files.readString(JOBS.resolve("demo.yml"))
					.replace("name: demo", "name: stopped")
					.replace("samples/people.csv", "samples/stopped.csv")
					.replace("chunk-size: 10", "chunk-size: 3"));
		try {
			SMTP_PATH.failAfterMessages(3);
			assertThat(cli("run", spec.toString()).exitCode()).isEqualTo(1);
			SMTP_PATH.restore();
			long failed = count("SELECT max(job_execution_id) FROM batch_job_execution");
			int sent = received().size();
			addUser("olga", "operator");
			Page page = signIn("olga");

			// The file gained rows since the run started: the restart is refused, nothing
			// starts and nobody is mailed.
			Files.writeString(csv, "\nlate1@example.org,Late,One\nlate2@example.org,Late,Two",
					StandardOpenOption.APPEND);
			page.navigate(base() + "/runs/" + failed);
			page.locator("#restart").click();
			PlaywrightAssertions.assertThat(page.locator("main")).containsText("queued invitations are sent");
			page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Restart")).click();
			PlaywrightAssertions.assertThat(page.locator("p.error")).containsText("the input file stopped.csv changed");
			assertThat(count("SELECT count(*) FROM batch_job_execution")).isOne();
			assertThat(received()).hasSize(sent);

			// Restored, the same run continues to its end.
			Files.writeString(csv, peopleCsv(9));
			page.locator("#restart").click();
			page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Restart")).click();
			PlaywrightAssertions.assertThat(page.locator("#status")).hasText("Completed", A_RUN);
			assertThat(received()).hasSize(9);

			// The first execution is finished by the second: no action on it, and a
			// forged
			// restart after the file grew again starts nothing.
			page.navigate(base() + "/runs/" + failed);
			PlaywrightAssertions.assertThat(page.locator("#run-note")).containsText("This run was continued by");
			PlaywrightAssertions.assertThat(page.locator("#restart")).hasCount(0);
			Files.writeString(csv, "\nlate3@example.org,Late,Three", StandardOpenOption.APPEND);
			String token = page.locator("input[name=_csrf]").first().inputValue();
			page.request()
				.post(base() + "/runs/" + failed + "/restart",
						RequestOptions.create().setForm(FormData.create().set("_csrf", token)).setMaxRedirects(0));
			assertThat(count("SELECT count(*) FROM batch_job_execution")).isEqualTo(2);
			Thread.sleep(500);
			assertThat(received()).hasSize(9);
		}
		finally {
			Files.deleteIfExists(spec);
			Files.deleteIfExists(csv);
		}
	}

	@Test
	void aCancelThatStopsFutureInvitationsSticksForTheNextRun() throws Exception {
		assertThat(cli("run", JOBS.resolve("demo.yml").toString()).exitCode()).isZero();
		long invitation = count("SELECT id FROM invitation WHERE email_normalized = 'anna.smith@example.org'");
		addUser("olga", "operator");
		Page page = signIn("olga");

		page.navigate(base() + "/invitations/cancel?invitation=" + invitation);
		page.getByLabel("Reason").fill("Left the parish");
		page.getByLabel("Also stop future invitations to this address").check();
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel 1 invitation")).click();
		PlaywrightAssertions.assertThat(page.locator(".flash")).containsText("1 invitation cancelled");

		// Everyone else still has an open invitation; Anna's is closed, and the next run
		// skips her all the same.
		SMTP.purgeEmailFromAllMailboxes();
		assertThat(cli("run", JOBS.resolve("demo.yml").toString()).exitCode()).isZero();
		assertThat(received()).isEmpty();
		long next = count("SELECT max(job_execution_id) FROM batch_job_execution");
		page.navigate(base() + "/runs/" + next + "?email=anna.smith");
		PlaywrightAssertions.assertThat(page.locator("table.items tbody")).containsText("suppressed");
		PlaywrightAssertions.assertThat(page.locator("table.items tbody")).containsText("Left the parish");
		// And the Run page's search finds the rejected rows too.
		page.navigate(base() + "/runs/" + next + "?email=maybe");
		PlaywrightAssertions.assertThat(page.locator("table.items tbody tr")).hasCount(1);
		PlaywrightAssertions.assertThat(page.locator("table.items tbody")).containsText("Rejected");
	}

	@Test
	void aViewerIsRefusedTheUsersPage() {
		addUser("vera", "viewer");
		Page page = signIn("vera");
		PlaywrightAssertions.assertThat(page.locator("nav")).not().containsText("Users");
		Response users = page.navigate(base() + "/users");
		assertThat(users.status()).isEqualTo(403);
		PlaywrightAssertions.assertThat(page.locator("h1")).hasText("Not allowed");
		PlaywrightAssertions.assertThat(page.locator("main")).not().containsText("olga");
	}

	/** People a CRM holds: four Smiths (Zoe logged in before), and one more. */
	private void people() {
		jdbc.update("""
				INSERT INTO person (email, email_normalized, first_name, last_name, last_login_at) VALUES
				  ('anna.smith@example.org', 'anna.smith@example.org', 'Anna', 'Smith', NULL),
				  ('anne.smithers@example.org', 'anne.smithers@example.org', 'Anne', 'Smithers', NULL),
				  ('sam.smith@example.org', 'sam.smith@example.org', 'Sam', 'Smith', NULL),
				  ('zoe.smith@example.org', 'zoe.smith@example.org', 'Zoe', 'Smith', now() - interval '3 days'),
				  ('bob.stone@example.org', 'bob.stone@example.org', 'Bob', 'Stone', NULL)
				""");
	}

	private Page signIn(String name) {
		return signIn(name, "/login", "People");
	}

	private static void screenshot(Page page, String name) {
		if (Boolean.getBoolean("docs.screenshots")) {
			page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("src", "docs", name)).setFullPage(true));
		}
	}

}
