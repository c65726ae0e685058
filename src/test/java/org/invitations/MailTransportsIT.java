package org.invitations;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import org.invitations.smtp.MailGateway;
import org.invitations.testsupport.ScriptedSmtpServer;
import org.invitations.testsupport.TestTls;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run over implicit TLS with a login, configured the Spring Boot way
 * ({@code spring.mail.ssl.enabled}, an SSL bundle naming the server's certificate,
 * {@code spring.mail.username} and {@code password}), sent by the built-in client; and a
 * run to a server whose certificate is not trusted, which sends nothing and says why in
 * one line.
 */
@TestPropertySource(properties = { "spring.mail.ssl.enabled=true", "spring.mail.ssl.bundle=mail",
		"spring.ssl.bundle.pem.mail.truststore.certificate=classpath:tls/localhost.pem", "spring.mail.username=club",
		"spring.mail.password=s3cret" })
class MailTransportsIT extends IntegrationTest {

	private static final ScriptedSmtpServer SMTPS = ScriptedSmtpServer.start();

	static {
		SMTPS.implicitTls(TestTls.server("localhost"));
		SMTPS.requireLogin("club", "s3cret");
	}

	@BeforeEach
	void throughTheSmtpsServer() {
		SMTP_PATH.retarget(SMTPS.port());
	}

	@Test
	void aRunOverImplicitTlsWithALoginSendsEveryoneOnceThroughTheBuiltInClient() throws Exception {
		int before = SMTPS.delivered().size();
		write("people.csv", peopleCsv(12));
		String spec = spec("tls", "people.csv").toString();

		Result run = cli("run", spec);

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(context.getBean(MailGateway.class).describe()).isEqualTo("SMTP server 127.0.0.1:" + SMTP_PATH.port()
				+ " (built-in client, implicit TLS, login as club, pipelining when offered)");
		List<String> delivered = SMTPS.delivered().subList(before, SMTPS.delivered().size());
		assertThat(delivered).hasSize(12).doesNotHaveDuplicates();
		assertThat(SMTPS.deliveredEncrypted()).isEqualTo(SMTPS.delivered().size());
		assertThat(SMTPS.logins()).isNotEmpty().containsOnly("club");
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(12);
	}

	@Test
	void aCertificateNotTrustedSendsNothingAndFailsInOneLineNamingTheServer() throws Exception {
		int before = SMTPS.delivered().size();
		write("people.csv", peopleCsv(5));
		String spec = spec("untrusted", "people.csv").toString();
		SMTPS.implicitTls(TestTls.server("elsewhere"));
		try {
			Result run = cli("run", spec);

			assertThat(run.exitCode()).isEqualTo(1);
			assertThat(run.err().lines().filter(line -> line.startsWith("error:"))).singleElement()
				.asString()
				.startsWith("error: cannot connect to SMTP server 127.0.0.1:" + SMTP_PATH.port()
						+ ": TLS: the server's certificate is not trusted (");
			assertThat(run.err()).doesNotContain("\tat ");
			assertThat(SMTPS.delivered()).hasSize(before);
			assertThat(count("SELECT count(*) FROM invitation WHERE status = 'QUEUED'")).isEqualTo(5);
		}
		finally {
			SMTPS.implicitTls(TestTls.server("localhost"));
		}
	}

}
