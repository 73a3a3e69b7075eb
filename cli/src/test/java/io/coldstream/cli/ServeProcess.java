package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code coldstream} child processes, and a {@code serve} one as its clients see it: its address, its routes, a record body. */
final class ServeProcess {

    private ServeProcess() {
    }

    /**
     * Starts {@code bin/coldstream} with {@code args}, its stdout and stderr going to
     * {@code <dir>/<name>.out} and {@code <dir>/<name>.err}.
     */
    static Process launch(Path dir, String name, String... args) throws Exception {
        ProcessBuilder pb = Launcher.command(dir, "", java.util.List.of(args));
        pb.redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
        return pb.start();
    }

    /** @return what the process {@link #launch}ed as {@code name} has written to stderr so far */
    static String err(Path dir, String name) throws Exception {
        return Files.readString(dir.resolve(name + ".err"), StandardCharsets.UTF_8);
    }

    /**
     * Waits for the address a serve process prints on stderr.
     *
     * @param serve the process
     * @param err the file its stderr goes to
     * @return the port it listens on
     */
    static int awaitPort(Process serve, Path err) throws Exception {
        Pattern p = Pattern.compile("serving: +http://127\\.0\\.0\\.1:(\\d+)/predict");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(err, StandardCharsets.UTF_8);
            Matcher m = p.matcher(text);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            assertThat(serve.isAlive()).as(text).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("serve printed no address: " + Files.readString(err, StandardCharsets.UTF_8));
    }

    /** @return the status of a GET, or -1 if nothing answered */
    static int status(HttpClient client, int port, String path) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** @return the body of a GET that answered 200 */
    static String get(HttpClient client, int port, String path) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    /** @return a POST /predict of a 1x28x28 uint8 record (the stream format) */
    static HttpRequest predict(int port, byte[] pixels) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/predict"))
                .header("Content-Type", "application/x-coldstream-record")
                .POST(HttpRequest.BodyPublishers.ofByteArray(record(pixels))).build();
    }

    /** @return a 1x28x28 uint8 record of the stream format, label 0 */
    static byte[] record(byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(24 + pixels.length);
        b.putInt(0x43534558).put((byte) 1).put((byte) 0).put((byte) 0).put((byte) 0).putInt(0);
        b.putInt(1).putInt(28).putInt(28).put(pixels);
        return b.array();
    }
}
