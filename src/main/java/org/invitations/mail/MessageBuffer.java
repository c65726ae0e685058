package org.invitations.mail;

import java.util.Arrays;

/**
 * The bytes of a message being prepared. One per thread, used again for every message it
 * prepares: a message is written here and copied out once, at its exact size, instead of
 * into a new buffer sized for the worst case (which, with the quoted-printable buffers,
 * was most of what preparing a message allocated).
 */
final class MessageBuffer {

	/** Larger than this after a message, the buffer is not kept for the next one. */
	private static final int KEPT = 1 << 20;

	private static final ThreadLocal<MessageBuffer> OWN = ThreadLocal.withInitial(MessageBuffer::new);

	private byte[] bytes = new byte[16 << 10];

	private int size;

	private MessageBuffer() {
	}

	/** This thread's buffer, empty. */
	static MessageBuffer empty() {
		MessageBuffer buffer = OWN.get();
		if (buffer.bytes.length > KEPT) {
			buffer.bytes = new byte[16 << 10];
		}
		buffer.size = 0;
		return buffer;
	}

	/** Makes room for {@code more} bytes, so that they can be put without a check. */
	void reserve(int more) {
		if (size + more > bytes.length) {
			bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
		}
	}

	/** The array written into, valid until the next {@link #reserve}. */
	byte[] array() {
		return bytes;
	}

	int size() {
		return size;
	}

	/** After bytes were written into {@link #array()} directly, up to this size. */
	void size(int size) {
		this.size = size;
	}

	/** Text of US-ASCII characters; anything else becomes '?', as the charset would. */
	void ascii(String text) {
		int length = text.length();
		reserve(length);
		byte[] into = bytes;
		int at = size;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			into[at++] = (byte) (c < 0x80 ? c : '?');
			if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			}
		}
		size = at;
	}

	/** Bytes as they are. */
	void bytes(byte[] more) {
		reserve(more.length);
		System.arraycopy(more, 0, bytes, size, more.length);
		size += more.length;
	}

	byte[] toByteArray() {
		return Arrays.copyOf(bytes, size);
	}

}
