package io.coldstream.io;

/**
 * An image file that {@link ImageDecoder} cannot turn into pixels; the message says what the file
 * is or what went wrong, without the file's name (the caller adds it). It becomes a
 * {@link BadRecordException} of {@link BadRecordReason#UNDECODABLE_IMAGE} where the stream
 * position is known.
 */
final class UndecodableImageException extends Exception {

    UndecodableImageException(String detail) {
        super(detail);
    }

    UndecodableImageException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
