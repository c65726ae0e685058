package org.invitations.smtp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.invitations.smtp.ReplyClassifier.Stage;
import org.invitations.smtp.ReplyClassifier.Verdict;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replies as real servers send them (Gmail, Microsoft 365, Amazon SES, SendGrid,
 * Postfix), and whom they are about.
 */
class ReplyClassifierTest {

	@ParameterizedTest(name = "{1} {0}: {2}")
	@CsvSource(delimiter = '|',
			textBlock = """
					# stage | reply                                                                                                   | verdict
					DATA    | 250 2.0.0 OK  1700000000 a1-20020a.123 - gsmtp                                                          | ACCEPTED
					DATA    | 250 Ok: queued as 4BC1F2E0                                                                              | ACCEPTED
					# Gmail
					RCPT    | 550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking           | RECIPIENT_PERMANENT
					RCPT    | 452-4.2.2 The email account that you tried to reach is over quota.                                       | RECIPIENT_TEMPORARY
					RCPT    | 450-4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages | RECIPIENT_TEMPORARY
					DATA    | 552-5.2.3 Your message exceeded Google's message size limits.                                            | RECIPIENT_PERMANENT
					MAIL    | 550 5.4.5 Daily sending quota exceeded                                                                   | SENDER_REFUSED
					DATA    | 550 5.4.5 Daily user sending quota exceeded.                                                             | SENDER_REFUSED
					RCPT    | 421-4.7.0 Try again later, closing connection.                                                           | SENDER_REFUSED
					DATA    | 550-5.7.26 Unauthenticated email from example.org is not accepted due to domain's DMARC policy           | SENDER_REFUSED
					DATA    | 421-4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address  | SENDER_REFUSED
					DATA    | 451-4.3.0 Mail server temporarily rejected message.                                                      | RECIPIENT_TEMPORARY
					# Microsoft 365 and Outlook.com
					RCPT    | 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup                   | RECIPIENT_PERMANENT
					RCPT    | 550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized                                                    | RECIPIENT_PERMANENT
					RCPT    | 550 5.4.1 Recipient address rejected: Access denied. AS(201806281)                                      | RECIPIENT_PERMANENT
					DATA    | 554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException                                | SENDER_REFUSED
					DATA    | 554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied                 | SENDER_REFUSED
					RCPT    | 550 5.1.90 Your message can't be sent because you've reached your daily limit for message recipients    | SENDER_REFUSED
					MAIL    | 530 5.7.57 Client not authenticated to send mail                                                        | SENDER_REFUSED
					RCPT    | 451 4.7.500 Server busy. Please try again later from [192.0.2.1]                                         | SENDER_REFUSED
					RCPT    | 550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP                       | SENDER_REFUSED
					RCPT    | 552 5.2.2 mailbox full                                                                                  | RECIPIENT_PERMANENT
					# Amazon SES
					DATA    | 454 Throttling failure: Maximum sending rate exceeded.                                                   | SENDER_REFUSED
					DATA    | 554 Throttling failure: Daily message quota exceeded.                                                    | SENDER_REFUSED
					DATA    | 554 Message rejected: Email address is not verified. The following identities failed the check           | SENDER_REFUSED
					RCPT    | 554 Address blacklisted.                                                                                | RECIPIENT_PERMANENT
					DATA    | 454 Temporary service failure                                                                           | RECIPIENT_TEMPORARY
					# SendGrid
					MAIL    | 550 Unauthenticated senders not allowed                                                                 | SENDER_REFUSED
					DATA    | 451 Authentication failed: Maximum credits exceeded                                                     | SENDER_REFUSED
					RCPT    | 421 Too many connections                                                                                | SENDER_REFUSED
					DATA    | 550 The from address does not match a verified Sender Identity                                          | SENDER_REFUSED
					# Postfix
					RCPT    | 550 5.1.1 <ann@example.org>: Recipient address rejected: User unknown in local recipient table          | RECIPIENT_PERMANENT
					RCPT    | 450 4.1.1 <ann@example.org>: Recipient address rejected: unverified address                              | RECIPIENT_TEMPORARY
					RCPT    | 451 4.7.1 <ann@example.org>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/ | RECIPIENT_TEMPORARY
					RCPT    | 554 5.7.1 <ann@example.org>: Relay access denied                                                        | SENDER_REFUSED
					RCPT    | 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org                     | SENDER_REFUSED
					RCPT    | 450 4.7.1 Error: too much mail from 192.0.2.1                                                           | SENDER_REFUSED
					RCPT    | 452 4.5.3 Error: too many recipients                                                                    | SENDER_REFUSED
					RCPT    | 554 5.7.1 <ann@example.org>: Recipient address rejected: Access denied                                  | RECIPIENT_PERMANENT
					MAIL    | 553 5.1.8 <no-reply@example.org>: Sender address rejected: Domain not found                             | SENDER_REFUSED
					MAIL    | 452 4.3.1 Insufficient system storage                                                                   | SENDER_REFUSED
					RCPT    | 452 4.3.1 Insufficient system storage                                                                   | RECIPIENT_TEMPORARY
					DATA    | 552 5.3.4 Message size exceeds fixed limit                                                              | RECIPIENT_PERMANENT
					DATA    | 554 5.6.0 Message content rejected                                                                      | RECIPIENT_PERMANENT
					RCPT    | 421 4.4.2 mx.example.org Error: timeout exceeded                                                        | SENDER_REFUSED
					RCPT    | 451 4.4.5 Insufficient system resources, try again later                                                 | SENDER_REFUSED
					# No enhanced code, nothing telling: the code's class decides
					RCPT    | 550 no such user here                                                                                   | RECIPIENT_PERMANENT
					RCPT    | 451 try again later                                                                                     | RECIPIENT_TEMPORARY
					DATA    | 550 sending rate limit reached                                                                          | SENDER_REFUSED
					""",
			quoteCharacter = '"')
	void classifies(Stage stage, String reply, Verdict verdict) {
		int code = Integer.parseInt(reply.substring(0, 3));

		assertThat(ReplyClassifier.classify(stage, code, reply)).isEqualTo(verdict);
	}

	@ParameterizedTest(name = "{0}: {1}")
	@CsvSource(delimiter = '|',
			textBlock = """
					# reply                                                                                                       | names a rate
					# Gmail
					421-4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address        | true
					450-4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages     | true
					421-4.7.0 Try again later, closing connection.                                                                 | false
					452-4.2.2 The email account that you tried to reach is over quota.                                             | false
					550-5.7.28 Our system has detected an unusual rate of unsolicited mail; permanently refused                    | false
					# Microsoft
					451 4.7.500 Server busy. Please try again later from [192.0.2.1]                                               | true
					451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.                | true
					550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP                             | false
					# Yahoo and AOL
					421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints    | true
					421 4.7.0 [TS01] Messages from 192.0.2.1 temporarily deferred due to user complaints                          | false
					# Postfix, and replies that are not one provider's rate
					450 4.7.1 Error: too much mail from 192.0.2.1                                                                 | true
					451 4.7.1 Too many messages, slow down                                                                        | true
					451 4.7.1 <ann@example.org>: Recipient address rejected: Greylisted                                           | false
					454 Throttling failure: Maximum sending rate exceeded.                                                        | false
					421 Too many connections                                                                                      | false
					451 4.3.0 Mail server temporarily rejected message.                                                           | false
					451 4.4.5 Insufficient system resources, try again later                                                      | false
					""")
	void namesRate(String reply, boolean rate) {
		int code = Integer.parseInt(reply.substring(0, 3));

		assertThat(ReplyClassifier.namesRate(code, reply)).isEqualTo(rate);
		assertThat(RateRefusals.namesRate(reply)).isEqualTo(rate);
	}

}
