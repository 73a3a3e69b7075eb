package io.coldstream.replay;

import io.coldstream.core.DataException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The binary layout of a saved replay buffer, documented on {@link ReplayBuffer#writeState}. Ints
 * and longs are big-endian as {@link DataOutput} writes them; int arrays and payloads go through
 * in chunks of up to {@link #CHUNK_BYTES} bytes, and every byte before the trailing CRC-32C is
 * covered by it.
 */
final class ReplayStateFormat {

    /** {@code "CSRB"}: Coldstream replay buffer. */
    static final int MAGIC = 0x43535242;
    /** The version this code writes: version 1 plus the codec's name, payloads in stored form. */
    static final int VERSION = 2;
    /** The first version, before codecs (every payload raw uint8); still read. */
    static final int VERSION_1 = 1;
    /** {@code "CSRI"}: an increment of a replay buffer's state ({@link ReplayBuffer#writeIncrement}). */
    static final int INCREMENT_MAGIC = 0x43535249;
    /** The increment format this code writes and reads. */
    static final int INCREMENT_VERSION = 1;
    /** The longest policy or codec name the format accepts. */
    static final int MAX_POLICY_NAME_BYTES = 64;
    static final int CHUNK_BYTES = 1 << 16;

    private ReplayStateFormat() {
    }

    /** Writes through a staging chunk and keeps the running CRC. */
    static final class Writer {

        private final DataOutput out;
        private final CRC32C crc = new CRC32C();
        private final byte[] chunk = new byte[CHUNK_BYTES];
        private final ByteBuffer bytes = ByteBuffer.wrap(chunk);
        private final IntBuffer ints = bytes.asIntBuffer();

        Writer(DataOutput out) {
            this.out = out;
        }

        void writeInt(int value) throws IOException {
            room(Integer.BYTES);
            bytes.putInt(value);
        }

        void writeLong(long value) throws IOException {
            room(Long.BYTES);
            bytes.putLong(value);
        }

        void writeAscii(String text) throws IOException {
            byte[] encoded = text.getBytes(StandardCharsets.US_ASCII);
            writeInt(encoded.length);
            writeBytes(encoded, 0, encoded.length);
        }

        void writeInts(int[] values, int from, int to) throws IOException {
            int next = from;
            while (next < to) {
                // The int view addresses whole ints from the start of the chunk.
                if (bytes.remaining() < Integer.BYTES || bytes.position() % Integer.BYTES != 0) {
                    flush();
                }
                int n = Math.min(to - next, bytes.remaining() / Integer.BYTES);
                ints.clear().position(bytes.position() / Integer.BYTES);
                ints.put(values, next, n);
                bytes.position(bytes.position() + n * Integer.BYTES);
                next += n;
            }
        }

        /** Large arrays go straight to the output, in one call. */
        void writeBytes(byte[] values, int offset, int length) throws IOException {
            if (length <= bytes.remaining()) {
                bytes.put(values, offset, length);
                return;
            }
            flush();
            crc.update(values, offset, length);
            out.write(values, offset, length);
        }

        /** Writes {@code source[at, at + length)} through the staging chunk; absolute reads, no allocation. */
        void writeBytes(ByteBuffer source, int at, int length) throws IOException {
            int next = at;
            int end = at + length;
            while (next < end) {
                if (!bytes.hasRemaining()) {
                    flush();
                }
                int n = Math.min(end - next, bytes.remaining());
                source.get(next, chunk, bytes.position(), n);
                bytes.position(bytes.position() + n);
                next += n;
            }
        }

        /** Writes what is staged and then the CRC-32C of everything written before it. */
        void finish() throws IOException {
            flush();
            out.writeInt((int) crc.getValue());
        }

        private void room(int needed) throws IOException {
            if (bytes.remaining() < needed) {
                flush();
            }
        }

        private void flush() throws IOException {
            int length = bytes.position();
            if (length > 0) {
                crc.update(chunk, 0, length);
                out.write(chunk, 0, length);
                bytes.clear();
            }
        }
    }

    /**
     * Reads with {@link DataInput#readFully}, keeps the running CRC and the byte offset, and turns
     * every failure into a {@link DataException} that says what was being read and where.
     */
    static final class Reader {

        private final DataInput in;
        private final CRC32C crc = new CRC32C();
        private final byte[] chunk = new byte[CHUNK_BYTES];
        private final ByteBuffer bytes = ByteBuffer.wrap(chunk);
        private final IntBuffer ints = bytes.asIntBuffer();
        private long offset;

        Reader(DataInput in) {
            this.in = in;
        }

        int readInt(String what) {
            fill(chunk, 0, Integer.BYTES, what);
            return bytes.getInt(0);
        }

        long readLong(String what) {
            fill(chunk, 0, Long.BYTES, what);
            return bytes.getLong(0);
        }

        String readAscii(String what, int maxBytes) {
            int length = readInt(what + " length");
            if (length < 1 || length > maxBytes) {
                throw corrupt(what + " length was " + length + " but must be in [1, " + maxBytes + "]");
            }
            fill(chunk, 0, length, what);
            return new String(chunk, 0, length, StandardCharsets.US_ASCII);
        }

        void readInts(int[] values, int from, int to, String what) {
            int next = from;
            while (next < to) {
                int n = Math.min(to - next, CHUNK_BYTES / Integer.BYTES);
                fill(chunk, 0, n * Integer.BYTES, what);
                ints.clear();
                ints.get(values, next, n);
                next += n;
            }
        }

        void readBytes(byte[] values, int from, int length, String what) {
            fill(values, from, length, what);
        }

        /** Reads {@code length} bytes into {@code target[at, at + length)} through the staging chunk. */
        void readBytes(ByteBuffer target, int at, int length, String what) {
            int next = at;
            int end = at + length;
            while (next < end) {
                int n = Math.min(end - next, CHUNK_BYTES);
                fill(chunk, 0, n, what);
                target.put(next, chunk, 0, n);
                next += n;
            }
        }

        /** Reads the trailing CRC-32C and checks it against every byte read before it. */
        void finish() {
            int expected = (int) crc.getValue();
            long at = offset;
            int stored = readInt("checksum");
            if (stored != expected) {
                throw new DataException(String.format("replay buffer state is corrupt: the CRC-32C at byte %d is "
                        + "0x%08x but the %d bytes before it give 0x%08x", at, stored, at, expected));
            }
        }

        /** @return a DataException for a value that breaks a rule of the format */
        DataException corrupt(String problem) {
            return new DataException("replay buffer state is corrupt before byte " + offset + ": " + problem);
        }

        private void fill(byte[] target, int from, int length, String what) {
            try {
                in.readFully(target, from, length);
            } catch (EOFException e) {
                throw new DataException("replay buffer state is truncated: it ended within the " + length
                        + " bytes at byte " + offset + " (" + what + ")", e);
            } catch (IOException e) {
                throw new DataException("could not read the replay buffer state at byte " + offset + " (" + what
                        + "): " + e.getMessage(), e);
            }
            crc.update(target, from, length);
            offset += length;
        }
    }
}
