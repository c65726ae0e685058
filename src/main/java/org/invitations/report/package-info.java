/**
 * The run report: its rows, the summary of a run, the list of runs, and the CSV, JSON and
 * HTML renderings.
 */
@NullMarked
package org.invitations.report;

import org.jspecify.annotations.NullMarked;
