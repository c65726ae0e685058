package org.invitations;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A used-up daily limit is a pause, not a failure: the run stops with the rest queued,
 * exits 4 and says when the limit frees up; run again before then it sends nothing more.
 */
class DailyLimitIT extends IntegrationTest {

	private static final Pattern FREES_AT = Pattern.compile("it frees up at (\\S+?);");

	@Test
	void theSpecsDailyLimitPausesTheRunAndSaysWhenItFreesUp() throws Exception {
		write("daily.csv", peopleCsv(12));
		String spec = spec("daily", "daily.csv", "throttle:", "  per-day: 5").toString();

		Result paused = cli("run", spec);

		assertThat(paused.exitCode()).as(paused.out() + paused.err()).isEqualTo(4);
		assertThat(received()).hasSize(5);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(5);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'QUEUED'")).isEqualTo(7);
		assertThat(count("SELECT count(*) FROM invitation WHERE status IN ('FAILED', 'DEFERRED')")).isZero();
		assertThat(paused.err().lines().filter(line -> line.startsWith("error:"))).singleElement()
			.asString()
			.startsWith("error: the spec's daily limit (5 in 24 hours, throttle.per-day) is reached; it frees up at ")
			.endsWith("; 5 sent, 7 left queued; run the same spec again later to go on");
		// A day after one of the five sends: the first of them, or a later one while the
		// last chunk was still being
		// recorded (counted as sent then, so never too early).
		Matcher at = FREES_AT.matcher(paused.err());
		assertThat(at.find()).isTrue();
		Instant freesAt = Instant.parse(at.group(1));
		assertThat(freesAt).isBetween(sentAt("min").plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS),
				sentAt("max").plus(1, ChronoUnit.DAYS));

		Result again = cli("run", spec);

		assertThat(again.exitCode()).as(again.out() + again.err()).isEqualTo(4);
		assertThat(received()).hasSize(5);

		// A day later the rest fits: 5 more now, then the last 2.
		jdbc.update("UPDATE invitation SET sent_at = sent_at - interval '25 hours'");
		assertThat(cli("run", spec).exitCode()).isEqualTo(4);
		assertThat(received()).hasSize(10);
		jdbc.update("UPDATE invitation SET sent_at = sent_at - interval '25 hours'");
		Result done = cli("run", spec);
		assertThat(done.exitCode()).as(done.out() + done.err()).isZero();
		assertThat(received()).hasSize(12);
		assertThat(perRecipientCount()).isEqualTo(12);
	}

	private Instant sentAt(String aggregate) {
		return jdbc.queryForObject("SELECT " + aggregate + "(sent_at) FROM invitation", java.sql.Timestamp.class)
			.toInstant();
	}

	private long perRecipientCount() {
		return received().stream().map(Mails::to).distinct().count();
	}

}
