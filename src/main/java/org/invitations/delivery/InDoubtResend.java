package org.invitations.delivery;

import java.net.SocketTimeoutException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.invitations.mail.PreparedMessage;
import org.invitations.smtp.NoReplyException;
import org.invitations.smtp.SendResult;

/**
 * A message whose content reached the server without a reply may have arrived: it is sent
 * once more, identical (same link, same Message-ID), on a new connection, and is then
 * SENT in doubt whatever that attempt gets, so that it is never sent a third time and the
 * link that may have arrived keeps working. If that attempt meets silence too (a read
 * that timed out, from the greeting to the final dot), the server has stopped answering:
 * {@link StoppedAnsweringException} stops the slice there, since every following message
 * would wait out the same two timeouts and be in doubt in its turn.
 */
final class InDoubtResend {

	private static final Logger log = LoggerFactory.getLogger(InDoubtResend.class);

	private final Pace rate;

	InDoubtResend(Pace rate) {
		this.rate = rate;
	}

	/**
	 * Sends the message once more after {@code first}; the slot's connection is the
	 * failed one's replacement.
	 * @throws StoppedAnsweringException when no reply came to this attempt either, for
	 * want of one within the read timeout; its outcome is the message's, SENT in doubt
	 */
	SendResult send(ConnectionSlot slot, DeliveryStore.Claim claim, PreparedMessage message, NoReplyException first) {
		log.warn("Invitation {} is in doubt: {}; it may have arrived, so it is sent once more, identical, and reported"
				+ " SENT in doubt", claim.invitation().id(), first.getMessage());
		String doubt = "in doubt: " + first.getMessage();
		try {
			rate.acquire();
			SendResult again = slot.connection().send(message, null);
			String what = again.status() == SendResult.Status.SENT
					? "sent again, identical, same link: " + again.reply() : "sent again, identical, and refused: "
							+ again.reply() + "; treated as sent, since the first may have arrived";
			return new SendResult(SendResult.Status.SENT, doubt + "; " + what, true);
		}
		catch (RuntimeException ex) {
			slot.close();
			SendResult inDoubt = new SendResult(SendResult.Status.SENT,
					doubt + "; sent again, identical, and no reply came either (" + ex.getMessage()
							+ "): treated as sent, never sent a third time",
					true);
			SocketTimeoutException silence = silence(ex);
			if (silence != null) {
				throw new StoppedAnsweringException(
						"no reply to a message's content, nor to the same message sent once more"
								+ " on a new connection (" + describe(silence) + ")",
						inDoubt, ex);
			}
			// Not silence (the connection closed, the server refused the sender, is
			// gone): the next message meets whatever it was and stops the slice.
			return inDoubt;
		}
	}

	/**
	 * The timeout in a failure's causes, if the failure was one: the server said nothing
	 * in time, where a closed connection or a refusal is an answer of a kind.
	 */
	private static @Nullable SocketTimeoutException silence(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
			if (cause instanceof SocketTimeoutException timeout) {
				return timeout;
			}
		}
		return null;
	}

	private static String describe(SocketTimeoutException timeout) {
		return timeout.getMessage() == null ? "timed out" : timeout.getMessage().toLowerCase(Locale.ROOT);
	}

}
