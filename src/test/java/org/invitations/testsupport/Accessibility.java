package org.invitations.testsupport;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.deque.html.axecore.args.AxeRunOptions;
import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.AxeResults;
import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Rule;
import com.microsoft.playwright.Page;

/**
 * An axe-core scan of the page as it is in the browser, reduced to the violations that
 * keep someone from using it (impact serious or critical), each on one readable line.
 */
public final class Accessibility {

	private static final Set<String> BLOCKING = Set.of("serious", "critical");

	private Accessibility() {
	}

	/**
	 * One line per serious or critical violation: rule, impact, what it asks, where
	 * (axe's selectors) and why the first element fails; empty when there is none.
	 */
	public static List<String> seriousViolations(Page page) {
		// Violations only, without the list of what passed: a fraction of the result.
		// The console has no frames, so axe runs in the page itself.
		AxeRunOptions options = new AxeRunOptions();
		options.setResultTypes(List.of("violations"));
		AxeResults results = new AxeBuilder(page).options(options).setLegacyMode(true).analyze();
		if (results.isErrored()) {
			// A scan that did not run found nothing, which must not read as a pass.
			throw new IllegalStateException("axe-core did not run on " + page.url() + ": " + results.getErrorMessage());
		}
		return results.getViolations()
			.stream()
			.filter(rule -> BLOCKING.contains(rule.getImpact()))
			.map(Accessibility::describe)
			.toList();
	}

	private static String describe(Rule rule) {
		List<CheckedNode> nodes = rule.getNodes();
		String targets = nodes.stream().map(node -> String.valueOf(node.getTarget())).collect(Collectors.joining(" "));
		String why = nodes.isEmpty() || nodes.get(0).getFailureSummary() == null ? ""
				: "; " + nodes.get(0).getFailureSummary().replaceAll("\\s+", " ").strip();
		return rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " at " + nodes.size() + " element"
				+ (nodes.size() == 1 ? "" : "s") + " " + targets + why;
	}

}
