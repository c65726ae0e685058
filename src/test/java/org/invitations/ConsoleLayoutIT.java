package org.invitations;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.BoundingBox;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import org.invitations.testsupport.Accessibility;
import org.invitations.testsupport.Chromium;
import org.invitations.testsupport.PageWidth;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every console page in a real Chromium, on a desktop window and on a phone: it never
 * scrolls sideways, axe-core finds nothing serious or critical, and on the phone the
 * navigation stays within reach.
 */
class ConsoleLayoutIT extends BrowserTest {

	/** A 64-character local part and long host labels: valid, and nowhere to break. */
	private static final String LONG_ADDRESS = "maximilian.alexander.vandenberghe-oppenheimer.volunteer-2026-xyz"
			+ "@coordination-office-of-the-volunteers-of-saint-john-the-baptist.example.org";

	/** A host label over 63 characters: rejected, its detail quotes it whole. */
	private static final String OVERLONG_LABEL_ADDRESS = "someone@"
			+ "the-parish-volunteers-coordination-office-of-saint-john-the-baptist-and-saint-mary.example.org";

	/** A cancel reason without a space, as a pasted link is. */
	private static final String LONG_REASON = "asked-by-phone-see-https://helpdesk.example.org/tickets/2026/"
			+ "volunteers/coordination/0000000000000000000000000000000000000000000000000000000000000042";

	private static final List<Viewport> VIEWPORTS = List.of(new Viewport("desktop", 1280, 800),
			new Viewport("phone", 390, 844));

	private static final List<String> NAVIGATION_LINKS = List.of("People", "Import", "Runs", "Workers", "Invitations",
			"Suppressed", "Specs", "Events", "Users");

	/**
	 * Every page of the console and what it must show to prove it holds the data under
	 * test: a page added to the console goes here, and is then checked at both widths.
	 */
	private static List<ConsolePage> pages(Fixture data) {
		return List.of(ConsolePage.of("/runs", "demo"),
				ConsolePage.of("/runs/" + data.sent(), "anna.smith@example.org"),
				ConsolePage.of("/runs/" + data.sent() + "?outcome=REJECTED", "local part has 65 characters"),
				ConsolePage.of("/runs/" + data.dryRun(), "Send 26 invitations"),
				ConsolePage.of("/runs/" + data.longRun(), "characters, at most 63"),
				ConsolePage.of("/runs/" + data.sent() + "/cancel", "Cancel 26 invitations"),
				ConsolePage.of("/invitations", LONG_ADDRESS),
				ConsolePage.of("/invitations?status=SENT&spec=demo", "26 invitations match"),
				ConsolePage.of("/invitations/cancel?invitation=" + data.openInvitation(), "Cancel 1 invitation"),
				ConsolePage.of("/people/" + data.longPerson(), LONG_REASON), ConsolePage.of("/people", "people match"),
				ConsolePage.of("/people?q=anna&invitation=pending", "Anna Smith"),
				ConsolePage.of("/imports/new", "Upload and dry run"), ConsolePage.of("/suppressions", "Suppress"),
				ConsolePage.of("/specs/expire.yml/expire", "Run the expiry"), ConsolePage.of("/specs", "broken.yml"),
				ConsolePage.of("/users", "vera"), ConsolePage.of("/workers", "mail-relay-02"),
				ConsolePage.of("/events", "Events are off"), new ConsolePage("/runs/999999", true, 404, "Not found"),
				new ConsolePage("/login", false, 200, "Sign in"));
	}

	@TestFactory
	Stream<DynamicTest> everyPageFitsTheWindowAndPassesAxe() throws Exception {
		Fixture data = prepare();
		BrowserContext admin = browser.newContext();
		BrowserContext anonymous = browser.newContext();
		Page signedIn = admin.newPage();
		signIn(signedIn, "ada");
		Page signedOut = anonymous.newPage();
		List<DynamicTest> tests = new ArrayList<>();
		for (ConsolePage page : pages(data)) {
			for (Viewport viewport : VIEWPORTS) {
				tests.add(DynamicTest.dynamicTest(page.path() + " on a " + viewport,
						() -> check(page.signedIn() ? signedIn : signedOut, page, viewport)));
			}
		}
		return tests.stream().onClose(() -> {
			admin.close();
			anonymous.close();
		});
	}

	/** The checks themselves fail on a page built to fail them. */
	@Test
	void theChecksSeeAWidePageAndAnUnlabelledField() {
		try (BrowserContext context = browser.newContext()) {
			Page page = context.newPage();
			page.setViewportSize(390, 844);
			page.setContent("<!DOCTYPE html><html lang='en'><head><title>Wide</title></head><body><main>"
					+ "<h1>Wide</h1><input name='q'><table><tr><td id='long'>" + LONG_REASON + LONG_REASON
					+ "</td></tr></table><div style='overflow-x: auto'><p style='width: 900px'>scrolls inside</p></div>"
					+ "</main></body></html>");
			PageWidth width = PageWidth.of(page);
			assertThat(width.scrollsSideways()).isTrue();
			assertThat(width.widest()).startsWith("main > table").contains("td#long").contains("asked-by-phone");
			assertThat(width.scrollingRegions()).singleElement().asString().startsWith("main > div holds 9");
			assertThat(Accessibility.seriousViolations(page)).anyMatch(line -> line.startsWith("label (critical)"));
		}
	}

	private void check(Page page, ConsolePage console, Viewport viewport) {
		page.setViewportSize(viewport.width(), viewport.height());
		Response response = page.navigate(base() + console.path());
		assertThat(response.status()).as(console.path()).isEqualTo(console.status());
		PlaywrightAssertions.assertThat(page.locator("main")).containsText(console.shows());
		List<String> problems = new ArrayList<>();
		PageWidth width = PageWidth.of(page);
		if (width.scrollsSideways()) {
			problems.add("scrolls sideways: " + width);
		}
		else if (viewport.width() >= 1280 && !width.scrollingRegions().isEmpty()) {
			// On a desktop window the tables fit whole, not in a scrolling box.
			problems.add("scrolls inside the page: " + width);
		}
		problems.addAll(Accessibility.seriousViolations(page));
		if (console.signedIn() && viewport.width() < 600) {
			problems.addAll(unreachableNavigation(page, viewport));
		}
		assertThat(problems).as(console.path() + " on a " + viewport).isEmpty();
	}

	/**
	 * The navigation links and Sign out, each visible (after opening the menu if there is
	 * one), inside the window and clickable; what is not, one line each.
	 */
	private List<String> unreachableNavigation(Page page, Viewport viewport) {
		Locator nav = page.locator("header nav");
		Locator menu = nav.locator("summary");
		List<Locator> targets = new ArrayList<>();
		for (String name : NAVIGATION_LINKS) {
			targets.add(nav.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(name).setExact(true)));
		}
		targets.add(nav.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Sign out")));
		List<String> unreachable = new ArrayList<>();
		for (Locator target : targets) {
			if (!target.isVisible() && menu.count() > 0 && menu.first().isVisible()) {
				menu.first().click();
			}
			BoundingBox box = target.count() == 1 ? target.boundingBox() : null;
			if (box == null || !target.isVisible()) {
				unreachable.add("navigation: " + target + " is not visible");
				continue;
			}
			if (box.x < 0 || box.x + box.width > viewport.width()) {
				unreachable.add("navigation: " + target + " is outside the window at x " + box.x);
				continue;
			}
			try {
				// A trial click waits until the element would take the click (nothing
				// covers it) and does not follow it.
				target.click(new Locator.ClickOptions().setTrial(true).setTimeout(2_000));
			}
			catch (RuntimeException ex) {
				unreachable.add("navigation: " + target + " cannot be clicked: "
						+ ex.getMessage().lines().findFirst().orElse(""));
			}
		}
		return unreachable;
	}

	private Fixture prepare() throws Exception {
		String demo = JOBS.resolve("demo.yml").toString();
		assertThat(cli("run", demo, "--dry-run").exitCode()).isZero();
		long dryRun = Long.parseLong(lastExecution());
		assertThat(cli("run", demo).exitCode()).isZero();
		long sent = Long.parseLong(lastExecution());
		write("long.csv", "email,first_name,last_name\n" + LONG_ADDRESS + ",Maximilian-Alexander,Vandenberghe\n"
				+ OVERLONG_LABEL_ADDRESS + ",Some,One\n");
		Path spec = spec("long-addresses", "long.csv");
		assertThat(cli("run", spec.toString()).exitCode()).isZero();
		long longRun = Long.parseLong(lastExecution());
		long longInvitation = jdbc.queryForObject("SELECT id FROM invitation WHERE email_normalized = ?", Long.class,
				LONG_ADDRESS);
		assertThat(cli("cancel", "--invitation", String.valueOf(longInvitation), "--reason", LONG_REASON).exitCode())
			.isZero();
		// A worker known after the runs (a live one would have taken their partitions),
		// on
		// a host with a long name.
		jdbc.update("""
				INSERT INTO delivery_worker (id, host, pid, smtp, connections)
				VALUES ('mail-relay-02.volunteers.saint-john-the-baptist.example.org:48213:1a2b3c4d',
				        'mail-relay-02.volunteers.saint-john-the-baptist.example.org', 48213,
				        'smtp-relay.saint-john-the-baptist.example.org:587', 8)
				""");
		addUser("ada", "admin");
		addUser("olga", "operator");
		addUser("vera", "viewer");
		return new Fixture(dryRun, sent, longRun,
				jdbc.queryForObject("SELECT person_id FROM invitation WHERE id = ?", Long.class, longInvitation),
				jdbc.queryForObject("SELECT min(id) FROM invitation WHERE status = 'SENT'", Long.class));
	}

	private void signIn(Page page, String name) {
		page.navigate(base() + "/login");
		page.getByLabel("Name").fill(name);
		page.getByLabel("Password").fill(PASSWORD);
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
		PlaywrightAssertions.assertThat(page.locator("h1")).hasText("People");
	}

	/** The executions, invitation and person the pages show. */
	private record Fixture(long dryRun, long sent, long longRun, long longPerson, long openInvitation) {
	}

	/**
	 * A page: its path, whether it is seen signed in, the status it answers and a text
	 * its main part shows.
	 */
	private record ConsolePage(String path, boolean signedIn, int status, String shows) {

		static ConsolePage of(String path, String shows) {
			return new ConsolePage(path, true, 200, shows);
		}

	}

	/** A window size the console is used at. */
	private record Viewport(String name, int width, int height) {

		@Override
		public String toString() {
			return this.name + " " + this.width + "×" + this.height;
		}

	}

}
