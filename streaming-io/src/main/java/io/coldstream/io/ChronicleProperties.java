package io.coldstream.io;

/**
 * Switches off Chronicle's side effects before any Chronicle class initialises: usage analytics
 * (which would also write {@code ~/.chronicle.analytics.client.id}), the start-up banner, the
 * disk-space monitor thread and the background resource-releaser thread (resources are then
 * released on the thread that closes them). A value the user set with {@code -D} wins.
 *
 * <p>Deliberately free of Chronicle types: every class here that touches Chronicle calls
 * {@link #apply()} from its static initialiser, and must be able to do so before any Chronicle
 * class is initialised.
 */
final class ChronicleProperties {

    static {
        setIfAbsent("chronicle.analytics.disable", "true");
        setIfAbsent("chronicle.announcer.disable", "true");
        setIfAbsent("chronicle.disk.monitor.disable", "true");
        setIfAbsent("background.releaser", "false");
    }

    private ChronicleProperties() {
    }

    /** Makes sure the properties are set; idempotent and cheap (the work happens once, on class initialisation). */
    static void apply() {
        // The static initialiser above does the work.
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
