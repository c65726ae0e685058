/**
 * What operators watch: the product's counters (Micrometer, exported by Prometheus under
 * {@code serve}), the mail server's health, the execution id on every log line of a run,
 * and the run's summary in its log.
 */
@NullMarked
package org.invitations.operations;

import org.jspecify.annotations.NullMarked;
