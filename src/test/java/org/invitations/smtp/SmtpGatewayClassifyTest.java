package org.invitations.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Angus Mail's exceptions, as it throws them, read the way the built-in client reads the
 * same replies.
 */
class SmtpGatewayClassifyTest {

	@Test
	void aQuotaReplyToMailFromPausesTheRun() throws Exception {
		MessagingException ex = new SMTPSendFailedException("MAIL FROM:<no-reply@example.org>", 550,
				"550 5.4.5 Daily sending quota exceeded", null, null, null, null);

		assertThatThrownBy(() -> SmtpGateway.classify(ex, false)).isInstanceOf(SenderRefusedException.class)
			.hasMessage("the mail server refused the sender: 550 5.4.5 Daily sending quota exceeded");
	}

	@Test
	void aRefusedSenderAddressPausesTheRun() throws Exception {
		MessagingException ex = new MessagingException("sender refused",
				new SMTPSenderFailedException(new InternetAddress("no-reply@example.org"),
						"MAIL FROM:<no-reply@example.org>", 553,
						"553 5.1.8 Sender address rejected: Domain not found"));

		assertThatThrownBy(() -> SmtpGateway.classify(ex, false)).isInstanceOf(SenderRefusedException.class);
	}

	@Test
	void anUnknownRecipientFailsThatRecipientAndAMailboxBusyWaits() throws Exception {
		InternetAddress ann = new InternetAddress("ann@example.org");
		MessagingException unknown = new MessagingException("Invalid Addresses", new SMTPAddressFailedException(ann,
				"RCPT TO:<ann@example.org>", 550, "550 5.1.1 <ann@example.org>: User unknown"));
		MessagingException busy = new MessagingException("Invalid Addresses",
				new SMTPAddressFailedException(ann, "RCPT TO:<ann@example.org>", 450, "450 4.2.1 mailbox busy"));

		assertThat(SmtpGateway.classify(unknown, false).status()).isEqualTo(SendResult.Status.FAILED);
		assertThat(SmtpGateway.classify(busy, false).status()).isEqualTo(SendResult.Status.DEFERRED);
	}

	@Test
	void aRecipientRefusedByPolicyForTheSenderPausesTheRun() throws Exception {
		MessagingException relay = new MessagingException("Invalid Addresses",
				new SMTPAddressFailedException(new InternetAddress("ann@example.org"), "RCPT TO:<ann@example.org>", 554,
						"554 5.7.1 <ann@example.org>: Relay access denied"));

		assertThatThrownBy(() -> SmtpGateway.classify(relay, false)).isInstanceOf(SenderRefusedException.class);
	}

	@Test
	void noReplyAfterTheContentIsInDoubtAndElsewhereTheServerIsUnavailable() {
		MessagingException eof = new SMTPSendFailedException(".", -1, "[EOF]", null, null, null, null);
		MessagingException timeout = new MessagingException("Exception reading response",
				new java.net.SocketTimeoutException("Read timed out"));

		assertThatThrownBy(() -> SmtpGateway.classify(eof, false)).isInstanceOf(NoReplyException.class);
		assertThatThrownBy(() -> SmtpGateway.classify(timeout, true)).isInstanceOf(NoReplyException.class);
		assertThatThrownBy(() -> SmtpGateway.classify(timeout, false))
			.isInstanceOf(MailServerUnavailableException.class)
			.isNotInstanceOf(NoReplyException.class);
	}

}
