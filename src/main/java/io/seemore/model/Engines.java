package io.seemore.model;

/** Settings libtorch reads once, when the engine starts: call before the first NDManager. */
public final class Engines {

    private Engines() {}

    /**
     * Never download anything, and use the given number of intra-op threads (unless already set
     * as system properties).
     */
    public static void configure(int threads) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        if (threads > 0) {
            System.getProperties().putIfAbsent("ai.djl.pytorch.num_threads", String.valueOf(threads));
        }
        System.getProperties().putIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    }

    /** Starts the engine once, so that libtorch is extracted into the DJL cache (image builds). */
    public static void main(String[] args) {
        configure(1);
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            System.out.println("libtorch ready: " + ai.djl.engine.Engine.getInstance().getVersion());
        }
    }
}
