package io.coldstream.io;

import io.coldstream.core.DataException;
import io.coldstream.core.DatasetNotFoundException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One IDX file of unsigned bytes read into memory, plain or gzip-compressed (recognised by the
 * gzip magic bytes {@code 1f 8b}, not by the file name).
 *
 * <p>The IDX format (LeCun et al., the MNIST database page): a 4-byte magic number
 * {@code 00 00 TYPE RANK}, then {@code RANK} big-endian unsigned 32-bit dimensions, then the
 * payload in row-major order. Every size the header declares is checked before anything that
 * large is allocated.
 */
final class IdxFile {

    /** The element type code for unsigned bytes. */
    static final int UNSIGNED_BYTE = 0x08;
    /** The largest payload one Java array can hold. */
    static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8;

    private static final int BUFFER = 1 << 16;
    private static final int MIN_GZIP_CAPACITY = 1 << 20;
    private static final int GZIP_CAPACITY_PER_COMPRESSED_BYTE = 8;

    private final int[] dims;
    private final byte[] payload;

    private IdxFile(int[] dims, byte[] payload) {
        this.dims = dims;
        this.payload = payload;
    }

    /** @return the declared dimensions; shared, do not modify */
    int[] dims() {
        return dims;
    }

    /** @return the payload, {@code product(dims)} bytes; shared, do not modify */
    byte[] payload() {
        return payload;
    }

    /**
     * @param file the file
     * @param rank the rank it must have: 3 for images, 1 for labels
     * @param kind what the file holds, for messages: {@code "images"} or {@code "labels"}
     * @param payloadNoun what the payload bytes are, for messages: {@code "bytes of pixels"} or {@code "labels"}
     */
    static IdxFile read(Path file, int rank, String kind, String payloadNoun) {
        if (!Files.exists(file)) {
            throw new DatasetNotFoundException("IDX " + kind + " file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataException("IDX " + kind + " file " + file + " is not a regular file");
        }
        try {
            long fileLength = Files.size(file);
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
                raw.mark(2);
                boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
                raw.reset();
                if (gzip) {
                    try (InputStream in = new GZIPInputStream(raw, BUFFER)) {
                        try {
                            return readIdx(file, in, true, fileLength, rank, kind, payloadNoun);
                        } catch (DataException e) {
                            // Corrupt deflate data can decode to a plausible but wrong header; the gzip
                            // checksum at the end of the stream tells which problem it really is.
                            countRemaining(in);
                            throw e;
                        }
                    } catch (ZipException | EOFException e) {
                        throw new DataException(file + " is gzip-compressed but its gzip stream is corrupt or truncated ("
                                + e.getMessage() + ")", e);
                    }
                }
                return readIdx(file, raw, false, fileLength, rank, kind, payloadNoun);
            }
        } catch (IOException e) {
            throw new DataException("could not read IDX " + kind + " file " + file + ": " + e, e);
        }
    }

    private static IdxFile readIdx(Path file, InputStream in, boolean gzip, long fileLength, int rank, String kind,
            String payloadNoun) throws IOException {
        int expectedMagic = (UNSIGNED_BYTE << 8) | rank;
        byte[] header = new byte[4 + 4 * rank];
        int got = readFully(in, header, 0, 4);
        if (got < 4) {
            throw new DataException(file + " is truncated: its header ends after " + got + " bytes but an IDX "
                    + kind + " header needs " + header.length + " (magic number " + hex(expectedMagic) + " and "
                    + rank + " dimension" + (rank == 1 ? "" : "s") + ")");
        }
        int magic = readInt(header, 0);
        int type = (magic >>> 8) & 0xff;
        int actualRank = magic & 0xff;
        if ((magic >>> 16) != 0) {
            throw new DataException(file + " is not an IDX " + kind + " file: its magic number is " + hex(magic)
                    + " but it must be " + hex(expectedMagic) + " (unsigned bytes, rank " + rank + ")");
        }
        if (type != UNSIGNED_BYTE) {
            throw new DataException(file + " has IDX element type 0x" + hexByte(type) + " (" + typeName(type)
                    + ") but only unsigned bytes (0x08) are supported: its magic number is " + hex(magic)
                    + " but it must be " + hex(expectedMagic));
        }
        if (actualRank != rank) {
            throw new DataException(file + " has rank " + actualRank + " (magic number " + hex(magic)
                    + ") but an IDX " + kind + " file has rank " + rank + " (magic number " + hex(expectedMagic)
                    + "); are the images and labels files swapped?");
        }
        got = readFully(in, header, 4, 4 * rank);
        if (got < 4 * rank) {
            throw new DataException(file + " is truncated: its header ends after " + (4 + got) + " bytes but an IDX "
                    + kind + " header of rank " + rank + " needs " + header.length);
        }
        int[] dims = new int[rank];
        long[] unsignedDims = new long[rank];
        for (int d = 0; d < rank; d++) {
            unsignedDims[d] = Integer.toUnsignedLong(readInt(header, 4 + 4 * d));
        }
        String promise = promise(unsignedDims);
        if (unsignedDims[0] == 0) {
            throw new DataException(file + " holds zero " + kind + " (its header declares " + promise
                    + "); a dataset needs at least one");
        }
        long payloadLength = 1;
        for (int d = 0; d < rank; d++) {
            if (unsignedDims[d] == 0) {
                throw new DataException(file + " declares " + promise + " but every dimension after the first"
                        + " must be >= 1");
            }
            if (unsignedDims[d] > MAX_PAYLOAD || payloadLength * unsignedDims[d] > MAX_PAYLOAD) {
                throw new DataException(file + " declares " + promise + " " + payloadNoun + ", more than the "
                        + MAX_PAYLOAD + " bytes one in-memory IDX file can hold; the header is corrupt or the file"
                        + " is too large for this reader");
            }
            payloadLength *= unsignedDims[d];
            dims[d] = (int) unsignedDims[d];
        }
        promise = promise + (rank > 1 ? " = " + payloadLength : "");
        int length = (int) payloadLength;
        byte[] payload;
        if (gzip) {
            payload = readGrowing(in, length, (int) Math.min(length,
                    Math.max(MIN_GZIP_CAPACITY, fileLength * GZIP_CAPACITY_PER_COMPRESSED_BYTE)));
            if (payload.length < length) {
                throw truncated(file, payload.length, payloadNoun, promise);
            }
        } else {
            long available = fileLength - header.length;
            if (available < length) {
                throw truncated(file, available, payloadNoun, promise);
            }
            payload = new byte[length];
            got = readFully(in, payload, 0, length);
            if (got < length) {
                throw truncated(file, got, payloadNoun, promise);
            }
        }
        long extra = countRemaining(in);
        if (extra > 0) {
            throw new DataException(file + " has " + extra + " unexpected byte" + (extra == 1 ? "" : "s")
                    + " after its payload (" + payloadNoun + ": " + promise + "); trailing data is not allowed");
        }
        return new IdxFile(dims, payload);
    }

    private static DataException truncated(Path file, long have, String payloadNoun, String promise) {
        return new DataException(file + " is truncated: it has " + have + " " + payloadNoun
                + " but the header promises " + promise);
    }

    /** Reads up to {@code length} bytes, growing from {@code initialCapacity} only as data arrives. */
    private static byte[] readGrowing(InputStream in, int length, int initialCapacity) throws IOException {
        byte[] buffer = new byte[initialCapacity];
        int filled = 0;
        while (filled < length) {
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(length, 2L * buffer.length));
            }
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                return Arrays.copyOf(buffer, filled);
            }
            filled += n;
        }
        return buffer.length == filled ? buffer : Arrays.copyOf(buffer, filled);
    }

    private static int readFully(InputStream in, byte[] buffer, int offset, int length) throws IOException {
        int filled = 0;
        while (filled < length) {
            int n = in.read(buffer, offset + filled, length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled;
    }

    private static long countRemaining(InputStream in) throws IOException {
        byte[] scratch = new byte[BUFFER];
        long count = 0;
        int n;
        while ((n = in.read(scratch)) >= 0) {
            count += n;
        }
        return count;
    }

    private static int readInt(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16)
                | ((bytes[offset + 2] & 0xff) << 8) | (bytes[offset + 3] & 0xff);
    }

    private static String promise(long[] dims) {
        StringBuilder text = new StringBuilder();
        for (int d = 0; d < dims.length; d++) {
            if (d > 0) {
                text.append(" x ");
            }
            text.append(dims[d]);
        }
        return text.toString();
    }

    static String hex(int value) {
        return String.format(Locale.ROOT, "0x%08X", value);
    }

    private static String hexByte(int value) {
        return String.format(Locale.ROOT, "%02X", value);
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "unknown type";
        };
    }
}
