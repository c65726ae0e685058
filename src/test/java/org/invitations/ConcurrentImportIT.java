package org.invitations;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two specs import the same new people at the same moment: both runs complete, each
 * person is stored once, and each person gets one invitation in all (the one open
 * invitation per person and kind): sent by one run, skipped as already invited by the
 * other.
 */
class ConcurrentImportIT extends IntegrationTest {

	private static final int PEOPLE = 300;

	@Test
	void twoImportsOfTheSameNewPeopleAtOnceBothComplete() throws Exception {
		String rows = IntStream.rangeClosed(1, PEOPLE)
			.mapToObj(i -> "p" + i + "@example.org,P" + i + ",Person,X-" + i + ",members")
			.collect(Collectors.toList())
			.stream()
			.collect(Collectors.joining("\n"));
		// The same people, in another order in the second file.
		List<String> reversed = new ArrayList<>(List.of(rows.split("\n")));
		java.util.Collections.reverse(reversed);
		write("a.csv", "email,first_name,last_name,external_id,groups\n" + rows);
		write("b.csv", "email,first_name,last_name,external_id,groups\n" + String.join("\n", reversed));
		String a = spec("north", "a.csv", 7).toString();
		String b = spec("south", "b.csv", 11).toString();

		ExecutorService pool = Executors.newFixedThreadPool(2);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Result>> runs = new ArrayList<>();
		for (String spec : List.of(a, b)) {
			runs.add(pool.submit(() -> {
				start.await();
				return cli("run", spec);
			}));
		}
		start.countDown();
		List<Result> results = new ArrayList<>();
		for (Future<Result> run : runs) {
			results.add(run.get(5, TimeUnit.MINUTES));
		}
		pool.shutdown();

		for (Result result : results) {
			assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
		}
		assertThat(count("SELECT count(*) FROM person")).isEqualTo(PEOPLE);
		assertThat(count("SELECT count(DISTINCT external_id) FROM person")).isEqualTo(PEOPLE);
		assertThat(count("SELECT count(*) FROM group_member")).isEqualTo(PEOPLE);
		// Every row of both files is in its run's report, as sent or as already invited
		// by the other run.
		Map<String, Long> outcomes = jdbc.query("""
				SELECT outcome || ' ' || coalesce(reason, ''), count(*) FROM job_report_row GROUP BY 1""", rs -> {
			Map<String, Long> map = new java.util.TreeMap<>();
			while (rs.next()) {
				map.put(rs.getString(1), rs.getLong(2));
			}
			return map;
		});
		assertThat(outcomes).containsOnlyKeys("SENT ", "SKIPPED ALREADY_INVITED");
		assertThat(outcomes.get("SENT ")).isEqualTo(PEOPLE);
		assertThat(count("SELECT count(*) FROM job_report_row")).isEqualTo(2L * PEOPLE);
		// One message per person, to that person.
		Map<String, Long> perRecipient = received().stream()
			.collect(Collectors.groupingBy(Mails::to, Collectors.counting()));
		assertThat(perRecipient).hasSize(PEOPLE).allSatisfy((to, n) -> assertThat(n).isOne());
		assertThat(count("SELECT count(*) FROM invitation")).isEqualTo(PEOPLE);
	}

}
