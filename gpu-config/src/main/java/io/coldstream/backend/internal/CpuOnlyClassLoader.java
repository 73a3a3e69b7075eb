package io.coldstream.backend.internal;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Shows ND4J every class and resource of its parent except the service registrations of the CUDA
 * backend's jar, so that ND4J's backend search ({@code Nd4jBackend.load()}, a {@code ServiceLoader}
 * over ND4J's class loader) finds only the CPU backend.
 *
 * <p>Why: with both backends on the class path, ND4J M2.1 tries CUDA first and, on a host without a
 * usable GPU, prints a stack trace and a warning before it falls back. Coldstream probes for the GPU
 * itself ({@link CudaProbe}) and, when there is none, installs this loader with
 * {@code ND4JClassLoading.setNd4jClassloader} before ND4J starts, so the fallback is one WARN line.
 * Classes still come from the parent, so nothing is loaded twice.
 */
public final class CpuOnlyClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final String hiddenJar;

    /**
     * @param parent the class loader ND4J used so far
     * @param hiddenJar the location prefix (such as {@code jar:file:/.../nd4j-cuda-11.6.jar!/}) whose
     *     {@code META-INF/services} entries are hidden
     */
    public CpuOnlyClassLoader(ClassLoader parent, String hiddenJar) {
        super(parent);
        this.hiddenJar = hiddenJar;
    }

    /**
     * @param loader a class loader
     * @return the prefix of the jar (or folder) from which {@code loader} loads the CUDA backend, or
     *     {@code null} when it has none
     */
    public static String cudaBackendLocation(ClassLoader loader) {
        URL url = loader.getResource(CudaProbe.CUDA_BACKEND_CLASS.replace('.', '/') + ".class");
        if (url == null) {
            return null;
        }
        String text = url.toString();
        int bang = text.indexOf("!/");
        return bang >= 0 ? text.substring(0, bang + 2)
                : text.substring(0, text.length() - (CudaProbe.CUDA_BACKEND_CLASS.length() + ".class".length()));
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        Enumeration<URL> all = super.getResources(name);
        if (!name.startsWith("META-INF/services/")) {
            return all;
        }
        List<URL> kept = new ArrayList<>();
        while (all.hasMoreElements()) {
            URL url = all.nextElement();
            if (!url.toString().startsWith(hiddenJar)) {
                kept.add(url);
            }
        }
        return Collections.enumeration(kept);
    }

    @Override
    public URL getResource(String name) {
        if (name.startsWith("META-INF/services/")) {
            try {
                Enumeration<URL> kept = getResources(name);
                return kept.hasMoreElements() ? kept.nextElement() : null;
            } catch (IOException e) {
                return null;
            }
        }
        return super.getResource(name);
    }
}
