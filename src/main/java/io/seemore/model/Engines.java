package io.seemore.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

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

    /**
     * Stops libtorch from recording autograd graphs on the calling thread, for inference. Its grad
     * mode is per thread and on in every new thread, and parameters require gradients, so every
     * pass on the generation and training threads built a graph that held its inputs and
     * intermediates for as long as its outputs (the KV cache) lived. A training step turns it on
     * again inside its gradient collector.
     */
    public static void withoutGradients() {
        if (JniUtils.isGradMode()) {
            JniUtils.setGradMode(false);
        }
    }

    /**
     * Sets the calling thread's intra-op thread count (0 leaves it). libtorch keeps one per thread,
     * and a thread that never set its own takes the last value set by any thread at its first
     * operation; so a thread that must keep a count sets it itself, each time it may have changed.
     * Set every time, not only when {@code getNumThreads} differs: that check missed what other
     * threads' settings changed, and every training job after a service's first ran 12% fewer
     * steps (three 2-minute jobs: 499, 436, 450 steps; setting each time: 555, 570, 546).
     */
    public static void useThreads(int threads) {
        if (threads > 0) {
            // getNumThreads first: it makes this thread take the inherited value now, not after our set.
            JniUtils.getNumThreads();
            JniUtils.setNumThreads(threads);
        }
    }

    /** Starts the engine once, so that libtorch is extracted into the DJL cache (image builds). */
    public static void main(String[] args) {
        configure(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            System.out.println("libtorch ready: " + Engine.getInstance().getVersion());
        }
    }
}
