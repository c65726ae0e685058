package org.invitations;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * invitations.mail.daily-limit counts every spec's messages together: a second spec gets
 * what the first left of the day, pauses (exit 4) naming the global limit, and a third
 * run with room again sends the rest once.
 */
@TestPropertySource(properties = "invitations.mail.daily-limit=7")
class GlobalDailyLimitIT extends IntegrationTest {

	@Test
	void theGlobalDailyLimitIsSharedByEverySpec() throws Exception {
		write("first.csv", peopleCsv(5));
		write("second.csv",
				"email,first_name,last_name\n" + IntStream.rangeClosed(1, 6)
					.mapToObj(i -> "s" + i + "@example.org,S" + i + ",Second")
					.collect(Collectors.joining("\n")));
		String first = spec("first", "first.csv").toString();
		String second = spec("second", "second.csv").toString();

		Result firstRun = cli("run", first);
		assertThat(firstRun.exitCode()).as(firstRun.out() + firstRun.err()).isZero();
		assertThat(received()).hasSize(5);

		Result paused = cli("run", second);

		assertThat(paused.exitCode()).as(paused.out() + paused.err()).isEqualTo(4);
		assertThat(received()).hasSize(7);
		assertThat(count("SELECT count(*) FROM invitation WHERE spec_name = 'second' AND status = 'SENT'"))
			.isEqualTo(2);
		assertThat(count("SELECT count(*) FROM invitation WHERE spec_name = 'second' AND status = 'QUEUED'"))
			.isEqualTo(4);
		assertThat(paused.err().lines().filter(line -> line.startsWith("error:"))).singleElement()
			.asString()
			.startsWith("error: the daily sending limit (7 in 24 hours, invitations.mail.daily-limit) is reached;"
					+ " it frees up at ")
			.endsWith("; 2 sent, 4 left queued; run the same spec again later to go on");

		// A day later the rest fits, each person once.
		jdbc.update("UPDATE invitation SET sent_at = sent_at - interval '25 hours'");
		Result done = cli("run", second);
		assertThat(done.exitCode()).as(done.out() + done.err()).isZero();
		assertThat(received()).hasSize(11);
		assertThat(received().stream().map(Mails::to).distinct()).hasSize(11);
	}

}
