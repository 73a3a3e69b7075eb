package io.coldstream.learner;

import java.nio.file.Path;

/**
 * A child process for {@link RunFolderIT}: takes the lock on the folder named by its argument,
 * says {@code locked} on stdout, and holds it until killed.
 */
public final class HoldsRunFolder {

    private HoldsRunFolder() {
    }

    /**
     * @param args the output folder
     * @throws InterruptedException never in practice: the process is killed
     */
    public static void main(String[] args) throws InterruptedException {
        RunFolder.Lock lock = RunFolder.lock(Path.of(args[0]));
        System.out.println("locked");
        System.out.flush();
        synchronized (lock) {
            lock.wait();
        }
    }
}
