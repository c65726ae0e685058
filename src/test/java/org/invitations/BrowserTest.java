package org.invitations;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import org.invitations.testsupport.Chromium;

/**
 * Base of the console's browser tests: the system's headless Chromium, one for the test
 * class, and a signed-in browser session per test, closed after it.
 */
abstract class BrowserTest extends ConsoleTest {

	static Playwright playwright;

	static Browser browser;

	/** The current test's browser session, if it signed in. */
	BrowserContext session;

	@BeforeAll
	static void chromium() {
		playwright = Chromium.playwright();
		browser = Chromium.launch(playwright);
	}

	@AfterAll
	static void closeChromium() {
		if (browser != null) {
			browser.close();
		}
		if (playwright != null) {
			playwright.close();
		}
	}

	@AfterEach
	void closeSession() {
		if (session != null) {
			session.close();
			session = null;
		}
	}

	/**
	 * Opens {@code path} in a new session of a 1280 by 800 window, signs in as the user
	 * on the page it is sent to, and checks that the page signed into has the heading.
	 */
	Page signIn(String name, String path, String heading) {
		session = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
		Page page = session.newPage();
		page.navigate(base() + path);
		page.getByLabel("Name").fill(name);
		page.getByLabel("Password").fill(PASSWORD);
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
		PlaywrightAssertions.assertThat(page.locator("h1")).hasText(heading);
		return page;
	}

}
