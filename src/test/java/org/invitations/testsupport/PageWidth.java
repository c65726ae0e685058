package org.invitations.testsupport;

import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Page;

/**
 * How wide the page is laid out against the window it is shown in: whether the document
 * scrolls sideways, which element reaches furthest right when it does, and which elements
 * scroll sideways inside the page (a table in a scrolling wrapper).
 *
 * @param documentWidth the document's scroll width in CSS pixels
 * @param windowWidth the window's inner width
 * @param widest the outermost element reaching furthest right and its widest cell or
 * child, outside any element that scrolls or clips, to find what to fix; empty when the
 * page fits
 * @param scrollingRegions the elements whose content is wider than they are and that
 * scroll it, with both widths
 */
public record PageWidth(int documentWidth, int windowWidth, String widest, List<String> scrollingRegions) {

	// Measured in the page: the document's width; the element with the furthest
	// right edge, the first in document order (so the outermost), leaving out those
	// inside an element that scrolls or clips, as they widen nothing; the widest
	// cell or child within it; and every element that scrolls wider content.
	private static final String MEASURE = """
			() => {
			  const root = document.documentElement;
			  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
			      + [...el.classList].map(c => '.' + c).join('');
			  const path = el => {
			    const parts = [];
			    for (let e = el; e && e !== document.body && e !== root; e = e.parentElement) parts.unshift(name(e));
			    return parts.join(' > ');
			  };
			  const text = el => (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 60);
			  const clips = el => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
			  const inClipper = el => {
			    for (let e = el.parentElement; e && e !== document.body && e !== root; e = e.parentElement) {
			      if (clips(e)) return true;
			    }
			    return false;
			  };
			  const all = [...document.body.querySelectorAll('*')];
			  let widest = null, edge = 0;
			  for (const el of all) {
			    const right = el.getBoundingClientRect().right + window.scrollX;
			    if (right > edge + 0.5 && !inClipper(el)) { widest = el; edge = right; }
			  }
			  let culprit = '';
			  if (widest) {
			    // A cell rather than its column's header: the cell holds the value that widens it.
			    const cells = [...widest.querySelectorAll('td')];
			    const candidates = cells.length ? cells : [...widest.children];
			    // The cell whose own content is widest: a column is as wide as its widest value.
			    const contentWidth = el => {
			      const range = document.createRange();
			      range.selectNodeContents(el);
			      return range.getBoundingClientRect().width;
			    };
			    const cell = candidates.reduce((a, b) => a && contentWidth(a) >= contentWidth(b) ? a : b, null);
			    if (cell) culprit = '; its widest part: ' + path(cell) + ' ' + Math.round(contentWidth(cell))
			        + ' px "' + text(cell) + '"';
			  }
			  return {
			    documentWidth: root.scrollWidth,
			    windowWidth: window.innerWidth,
			    widest: widest ? path(widest) + ' reaches ' + Math.round(edge) + ' px ('
			        + Math.round(widest.getBoundingClientRect().width) + ' px wide)' + culprit : '',
			    scrollingRegions: all.filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
			        && el.scrollWidth > el.clientWidth)
			      .map(el => path(el) + ' holds ' + el.scrollWidth + ' px in ' + el.clientWidth + ' px')
			  };
			}
			""";

	/** Measures the page as the browser has laid it out now. */
	@SuppressWarnings("unchecked")
	public static PageWidth of(Page page) {
		Map<String, Object> measured = (Map<String, Object>) page.evaluate(MEASURE);
		return new PageWidth(((Number) measured.get("documentWidth")).intValue(),
				((Number) measured.get("windowWidth")).intValue(), (String) measured.get("widest"),
				List.copyOf((List<String>) measured.get("scrollingRegions")));
	}

	/** Whether the window scrolls sideways to show the whole document. */
	public boolean scrollsSideways() {
		return this.documentWidth > this.windowWidth;
	}

	@Override
	public String toString() {
		return "document " + this.documentWidth + " px in a window of " + this.windowWidth + " px"
				+ (scrollsSideways() ? "; widest: " + this.widest : "")
				+ (this.scrollingRegions.isEmpty() ? "" : "; scrolling inside: " + this.scrollingRegions);
	}

}
