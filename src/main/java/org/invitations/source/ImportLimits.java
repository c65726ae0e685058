package org.invitations.source;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How long one CSV record and one field may be, in characters, so that no input line can
 * exhaust the heap. Written with Spring's size units ({@code 64KB} is 65,536 characters).
 *
 * @param maxRecordLength the longest record, line breaks inside quoted fields included,
 * terminator excluded
 * @param maxFieldLength the longest field as written (its quotes included)
 */
@ConfigurationProperties("invitations.import")
public record ImportLimits(@DefaultValue("64KB") DataSize maxRecordLength,
		@DefaultValue("16KB") DataSize maxFieldLength) {

	/** The limits when nothing is configured. */
	public static final ImportLimits DEFAULTS = new ImportLimits(DataSize.ofKilobytes(64), DataSize.ofKilobytes(16));

	/**
	 * A record is buffered whole before the parser sees it, so its limit must be an array
	 * size.
	 */
	private static final long LARGEST = 64L << 20;

	public ImportLimits {
		check("max-record-length", maxRecordLength);
		check("max-field-length", maxFieldLength);
	}

	int maxRecord() {
		return (int) maxRecordLength.toBytes();
	}

	int maxField() {
		return (int) maxFieldLength.toBytes();
	}

	private static void check(String key, DataSize size) {
		if (size == null || size.toBytes() < 1 || size.toBytes() > LARGEST) {
			throw new IllegalArgumentException(
					"invitations.import." + key + " must be between 1 and 64MB characters, not " + size);
		}
	}

}
