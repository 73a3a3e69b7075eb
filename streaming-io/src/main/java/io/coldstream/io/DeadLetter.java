package io.coldstream.io;

import io.coldstream.core.DataException;
import io.coldstream.core.StreamPosition;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One quarantined bad record, as {@link BadRecordHandlers#skip(java.nio.file.Path)} keeps it and
 * {@link DeadLetters} reads it back: the raw record, where it came from and why it was rejected.
 *
 * <p>In the dead-letter queue each entry is one Chronicle document, big-endian:
 * <pre>
 * 4 bytes   magic "CSDL" (0x43 0x53 0x44 0x4C)
 * uint8     version = 1
 * uint8     n, then n bytes: the reason's metric name (ASCII), such as "bad-magic"
 * uint16    p, then p bytes: the position's partition (UTF-8)
 * int64     the position's offset
 * int32     m, then m bytes: the problem's detail (UTF-8)
 * int32     r, then r bytes: the raw record
 * </pre>
 *
 * <p>Immutable; {@link #record()} hands out a copy.
 */
public final class DeadLetter {

    /** The magic number, the bytes {@code "CSDL"} read as a big-endian int. */
    public static final int MAGIC = 0x4353444C;
    /** The entry layout version. */
    public static final int VERSION = 1;

    private final long index;
    private final StreamPosition position;
    private final BadRecordReason reason;
    private final String detail;
    private final byte[] record;

    private DeadLetter(long index, StreamPosition position, BadRecordReason reason, String detail, byte[] record) {
        this.index = index;
        this.position = position;
        this.reason = reason;
        this.detail = detail;
        this.record = record;
    }

    /** @return the entry's index in the dead-letter queue */
    public long index() {
        return index;
    }

    /** @return where the bad record sat in the stream it came from */
    public StreamPosition position() {
        return position;
    }

    /** @return why it was rejected */
    public BadRecordReason reason() {
        return reason;
    }

    /** @return what was wrong, as the decoder said it */
    public String detail() {
        return detail;
    }

    /** @return a copy of the raw record's bytes */
    public byte[] record() {
        return record.clone();
    }

    /** @return the raw record's length in bytes */
    public int recordLength() {
        return record.length;
    }

    @Override
    public String toString() {
        return "DeadLetter[" + position + ", " + reason.metricName() + ", " + record.length + " bytes: " + detail + "]";
    }

    static byte[] encode(byte[] record, int offset, int length, StreamPosition position, BadRecordException problem) {
        byte[] reasonName = problem.reason().metricName().getBytes(StandardCharsets.US_ASCII);
        byte[] partition = position.partition().getBytes(StandardCharsets.UTF_8);
        byte[] detail = problem.detail().getBytes(StandardCharsets.UTF_8);
        if (partition.length > 0xffff) {
            partition = position.partition().substring(0, 0x3fff).getBytes(StandardCharsets.UTF_8);
        }
        ByteBuffer out = ByteBuffer.allocate(4 + 1 + 1 + reasonName.length + 2 + partition.length + 8 + 4
                + detail.length + 4 + length);
        out.putInt(MAGIC).put((byte) VERSION);
        out.put((byte) reasonName.length).put(reasonName);
        out.putShort((short) partition.length).put(partition);
        out.putLong(position.offset());
        out.putInt(detail.length).put(detail);
        out.putInt(length).put(record, offset, length);
        return out.array();
    }

    static DeadLetter decode(byte[] entry, int length, long index, Object source) {
        Objects.requireNonNull(entry, "entry");
        try {
            ByteBuffer in = ByteBuffer.wrap(entry, 0, length);
            int magic = in.getInt();
            int version = in.get() & 0xff;
            if (magic != MAGIC || version != VERSION) {
                throw new DataException("dead-letter entry 0x" + Long.toHexString(index) + " in " + source
                        + " starts with magic 0x" + Integer.toHexString(magic) + " version " + version
                        + " but must start with 0x4353444C (\"CSDL\") version " + VERSION);
            }
            String reasonName = new String(bytes(in, in.get() & 0xff), StandardCharsets.US_ASCII);
            BadRecordReason reason = null;
            for (BadRecordReason r : BadRecordReason.values()) {
                if (r.metricName().equals(reasonName)) {
                    reason = r;
                }
            }
            if (reason == null) {
                throw new DataException("dead-letter entry 0x" + Long.toHexString(index) + " in " + source
                        + " names the unknown reason '" + reasonName + "'");
            }
            String partition = new String(bytes(in, in.getShort() & 0xffff), StandardCharsets.UTF_8);
            long offset = in.getLong();
            String detail = new String(bytes(in, in.getInt()), StandardCharsets.UTF_8);
            byte[] record = bytes(in, in.getInt());
            if (in.hasRemaining()) {
                throw new DataException("dead-letter entry 0x" + Long.toHexString(index) + " in " + source + " has "
                        + in.remaining() + " bytes after its record");
            }
            return new DeadLetter(index, new StreamPosition(partition, offset), reason, detail, record);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new DataException("dead-letter entry 0x" + Long.toHexString(index) + " in " + source
                    + " is truncated or malformed (" + e + ")", e);
        }
    }

    private static byte[] bytes(ByteBuffer in, int n) {
        if (n < 0 || n > in.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] result = new byte[n];
        in.get(result);
        return result;
    }
}
