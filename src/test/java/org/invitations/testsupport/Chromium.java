package org.invitations.testsupport;

import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;

/**
 * The system's headless Chromium for the browser tests: Playwright's driver ships in its
 * jar, and no browser is downloaded.
 */
public final class Chromium {

	private Chromium() {
	}

	/** Playwright told not to download a browser of its own. */
	public static Playwright playwright() {
		return Playwright
			.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
	}

	/** Debian's Chromium, headless, with nothing that reaches out to the network. */
	public static Browser launch(Playwright playwright) {
		return playwright.chromium()
			.launch(new BrowserType.LaunchOptions().setExecutablePath(Paths.get("/usr/bin/chromium"))
				.setHeadless(true)
				.setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
						"--disable-background-networking", "--disable-component-update", "--disable-sync")));
	}

}
