package org.invitations;

import java.net.http.HttpClient;
import java.time.LocalDateTime;
import java.util.List;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;

import org.invitations.delivery.Lane;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What operators see of partitions and workers: the Run page's Partitions, the Runs
 * page's note on a running run, the Workers page, {@code status EXECUTION} and the API,
 * all read from the job repository and the workers' tables.
 */
class PartitionsConsoleIT extends ConsoleTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	JobRepository jobRepository;

	@Test
	void withNoWorkerAliveTheRunIsOnePartitionSentByThisProcess() throws Exception {
		// A worker whose heartbeat stopped an hour ago: known, lost, and taking nothing.
		jdbc.update("""
				INSERT INTO delivery_worker (id, host, pid, smtp, connections, started_at, heartbeat_at)
				VALUES ('old-host:77:deadbeef', 'old-host', 77, 'smtp.old.example.org:25', 2,
				        now() - interval '2 hours', now() - interval '1 hour')
				""");
		assertThat(cli("run", JOBS.resolve("demo.yml").toString()).exitCode()).isZero();
		long run = Long.parseLong(lastExecution());
		long written = jdbc.queryForObject("""
				SELECT write_count FROM batch_step_execution
				WHERE job_execution_id = ? AND step_name = 'deliver:partition0'
				""", Long.class, run);
		assertThat(written).isEqualTo(26).isEqualTo(count("SELECT count(*) FROM invitation WHERE status = 'SENT'"));
		assertThat(count("SELECT count(*) FROM delivery_partition")).isZero();

		addUser("vera", "viewer");
		HttpClient viewer = signedIn("vera");
		Document page = Jsoup.parse(get(viewer, "/runs/" + run).body());
		assertThat(page.select("table.partitions tbody tr")).hasSize(1);
		assertThat(cells(page.selectFirst("tr[data-partition=0]"))).startsWith("0 of 1", "done", "this process", "26");
		assertThat(page.text()).contains("No worker was alive when sending started");

		Document workers = Jsoup.parse(get(viewer, "/workers").body());
		assertThat(workers.select("header nav a").eachText()).contains("Workers");
		Element old = workers.selectFirst("tr[data-worker='old-host:77:deadbeef']");
		assertThat(old.text()).contains("old-host", "smtp.old.example.org:25", "lost", "nothing");

		String key = addKey("vera-key", "viewer");
		JsonNode partitions = JSON.readTree(api("GET", "/api/v1/runs/" + run, key, null).body()).get("partitions");
		assertThat(partitions).hasSize(1);
		assertThat(partitions.get(0).get("host").asString()).isEqualTo("this process");
		assertThat(partitions.get(0).get("state").asString()).isEqualTo("COMPLETED");
		assertThat(partitions.get(0).get("written").asLong()).isEqualTo(26);
		assertThat(partitions.get(0).get("worker").isNull()).isTrue();
		JsonNode lost = JSON.readTree(api("GET", "/api/v1/workers", key, null).body());
		assertThat(lost).hasSize(1);
		assertThat(lost.get(0).get("state").asString()).isEqualTo("lost");
		assertThat(lost.get(0).get("partition").isNull()).isTrue();

		List<String> status = partitionLines(run);
		assertThat(status).singleElement().asString().matches("0/1 +COMPLETED +\\d+ +26 +[0-9.]+ +this process");
	}

	@Test
	void aPartitionOnAWorkerIsListedWithItsHostStateAndRate() throws Exception {
		write("few.csv", peopleCsv(5));
		assertThat(cli("run", spec("few", "few.csv").toString()).exitCode()).isZero();
		long run = Long.parseLong(lastExecution());
		JobExecution execution = jobRepository.getJobExecution(run);
		StepExecution first = execution.getStepExecutions()
			.stream()
			.filter(step -> step.getStepName().equals("deliver:partition0"))
			.findFirst()
			.orElseThrow();
		// The second share of the same run, as a worker on another host runs it: 50
		// people settled in its first 10 seconds; the third waits for a worker.
		StepExecution second = partition(execution, 1);
		second.setStatus(BatchStatus.STARTED);
		second.setStartTime(LocalDateTime.now().minusSeconds(10));
		second.setWriteCount(50);
		jobRepository.update(second);
		StepExecution third = partition(execution, 2);
		jdbc.update("""
				INSERT INTO delivery_worker (id, host, pid, smtp, connections) VALUES
				    ('relay-a:101:aaaa1111', 'relay-a', 101, 'smtp-a.example.org:587', 4),
				    ('relay-b:202:bbbb2222', 'relay-b', 202, 'smtp-b.example.org:587', 8)
				""");
		jdbc.update("""
				INSERT INTO delivery_partition (step_execution_id, job_execution_id, partition_index, partition_count,
				                                state, worker_id, claimed_at, ended_at) VALUES
				    (?, ?, 0, 3, 'ENDED', 'relay-a:101:aaaa1111', now(), now()),
				    (?, ?, 1, 3, 'RUNNING', 'relay-b:202:bbbb2222', now(), NULL),
				    (?, ?, 2, 3, 'WAITING', NULL, NULL, NULL)
				""", first.getId(), run, second.getId(), run, third.getId(), run);

		addUser("vera", "viewer");
		HttpClient viewer = signedIn("vera");
		Document workers = Jsoup.parse(get(viewer, "/workers").body());
		assertThat(workers.selectFirst("tr[data-worker='relay-b:202:bbbb2222']").text()).contains("relay-b",
				"smtp-b.example.org:587", "8", "alive", "run " + run + ", partition 1 of 3", "5.0 a second");
		assertThat(workers.selectFirst("tr[data-worker='relay-b:202:bbbb2222'] a").attr("href"))
			.isEqualTo("/runs/" + run);
		assertThat(workers.selectFirst("tr[data-worker='relay-a:101:aaaa1111']").text()).contains("relay-a", "alive",
				"nothing");

		Document page = Jsoup.parse(get(viewer, "/runs/" + run).body());
		assertThat(cells(page.selectFirst("tr[data-partition=0]"))).startsWith("0 of 3", "done", "relay-a", "5");
		assertThat(cells(page.selectFirst("tr[data-partition=1]"))).startsWith("1 of 3", "sending", "relay-b", "50",
				"5.0 a second");
		assertThat(cells(page.selectFirst("tr[data-partition=2]"))).startsWith("2 of 3", "waiting", "none yet", "0");
		assertThat(page.selectFirst("tr[data-partition=1] td[data-label=Worker] span").attr("title"))
			.isEqualTo("relay-b:202:bbbb2222");

		List<String> status = partitionLines(run);
		assertThat(status).hasSize(3);
		assertThat(status.get(0)).matches("0/3 +ENDED +" + first.getId() + " +5 +[0-9.]+ +relay-a");
		assertThat(status.get(1)).matches("1/3 +RUNNING +" + second.getId() + " +50 +5\\.0 +relay-b");
		assertThat(status.get(2)).matches("2/3 +WAITING +" + third.getId() + " +0 +0\\.0 +-");

		// While the run runs, the Runs page says how it is spread.
		jdbc.update("UPDATE batch_job_execution SET status = 'STARTED', end_time = NULL WHERE job_execution_id = ?",
				run);
		Document runs = Jsoup.parse(get(viewer, "/runs").body());
		assertThat(runs.selectFirst("tr[data-execution=" + run + "] .spread").text())
			.isEqualTo("3 partitions: 1 worker sending, 1 waiting");

		String key = addKey("vera-key", "viewer");
		JsonNode listed = JSON.readTree(api("GET", "/api/v1/workers", key, null).body());
		JsonNode relayB = listed.valueStream()
			.filter(w -> w.get("id").asString().equals("relay-b:202:bbbb2222"))
			.findFirst()
			.orElseThrow();
		assertThat(relayB.get("host").asString()).isEqualTo("relay-b");
		assertThat(relayB.get("state").asString()).isEqualTo("alive");
		assertThat(relayB.get("partition").get("index").asInt()).isEqualTo(1);
		assertThat(relayB.get("partition").get("jobExecutionId").asLong()).isEqualTo(run);
		assertThat(relayB.get("rate").asDouble()).isBetween(4.9, 5.0);
	}

	/**
	 * A further execution of the run's deliver step's partition, as the manager queues
	 * it.
	 */
	private StepExecution partition(JobExecution execution, int index) {
		StepExecution partition = jobRepository.createStepExecution("deliver:partition" + index, execution);
		partition.getExecutionContext().putInt(Lane.INDEX, index);
		partition.getExecutionContext().putInt(Lane.COUNT, 3);
		jobRepository.updateExecutionContext(partition);
		return partition;
	}

	/** The cells of a table row, as text. */
	private static List<String> cells(Element row) {
		return row.select("td").eachText();
	}

	/**
	 * The rows of the PARTITIONS table {@code status EXECUTION} prints, without their
	 * indent.
	 */
	private List<String> partitionLines(long run) {
		Result status = cli("status", String.valueOf(run));
		assertThat(status.exitCode()).as(status.err()).isZero();
		List<String> lines = status.out().lines().toList();
		int header = lines.indexOf(lines.stream()
			.filter(line -> line.strip().startsWith("PARTITION "))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no PARTITIONS table in:\n" + status.out())));
		assertThat(lines.get(header).strip()).matches("PARTITION +STATE +STEP-EXEC +WRITTEN +RATE/S +WORKER HOST");
		return lines.subList(header + 1, lines.size())
			.stream()
			.takeWhile(line -> line.startsWith("  ") && !line.isBlank())
			.map(String::strip)
			.toList();
	}

}
