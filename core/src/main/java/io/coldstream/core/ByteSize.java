package io.coldstream.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory or disk in bytes, written as {@code 16MB}, {@code 512 KB}, {@code 2GB} or a
 * plain number of bytes. Units are binary: {@code 1KB = 1024 B}.
 *
 * @param bytes the amount, {@code >= 0}
 */
public record ByteSize(long bytes) {

    private static final Pattern SYNTAX =
            Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(B|KB|MB|GB|KIB|MIB|GIB)?\\s*", Pattern.CASE_INSENSITIVE);

    /** Rejects negative sizes. */
    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size was " + bytes + " bytes but must be >= 0");
        }
    }

    /**
     * @param text such as {@code 16MB}, {@code 1.5 GB}, {@code 4096}
     * @return the size
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static ByteSize parse(String text) {
        Matcher m = text == null ? null : SYNTAX.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size; write a number with an optional unit"
                    + " B, KB, MB or GB, such as 16MB");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        long multiplier = switch (unit) {
            case "KB", "KIB" -> 1L << 10;
            case "MB", "MIB" -> 1L << 20;
            case "GB", "GIB" -> 1L << 30;
            default -> 1L;
        };
        double bytes = value * multiplier;
        if (bytes > Long.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is larger than " + Long.MAX_VALUE + " bytes");
        }
        return new ByteSize(Math.round(bytes));
    }

    @Override
    public String toString() {
        if (bytes >= (1L << 30) && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GB";
        }
        if (bytes >= (1L << 20) && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MB";
        }
        if (bytes >= (1L << 10) && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KB";
        }
        return bytes + "B";
    }
}
