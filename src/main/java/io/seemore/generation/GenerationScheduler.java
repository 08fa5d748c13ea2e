package io.seemore.generation;

import ai.djl.ndarray.NDManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching for one model: a thread collects waiting requests (up to a batch size,
 * waiting at most a short time for company when idle), prefills newcomers, and advances every
 * active sequence one token per decoder step. A request joins at the next step and leaves as
 * soon as it ends. Past the bounded waiting queue, requests are refused.
 */
public final class GenerationScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GenerationScheduler.class);

    /** The waiting queue is full. */
    public static final class QueueFullException extends RuntimeException {
        public QueueFullException(int capacity) {
            super("too many generation requests are waiting (" + capacity + "); try again shortly");
        }
    }

    private final BatchDecoder decoder;
    private final NDManager manager;
    private final int maxBatchSize;
    private final long maxWaitNanos;
    private final BlockingQueue<Sequence> waiting;
    private final int capacity;
    private final IntConsumer onStep;
    private final Thread thread;
    private volatile int running;
    private volatile boolean closed;

    /**
     * @param onStep hears the batch size of every decoder step
     */
    public GenerationScheduler(Generator generator, String name, int maxBatchSize, Duration maxWait, int queueCapacity,
            IntConsumer onStep) {
        this.manager = NDManager.newBaseManager();
        this.decoder = new BatchDecoder(generator.model(), generator.tokenizer(), manager);
        this.maxBatchSize = maxBatchSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.capacity = queueCapacity;
        this.waiting = new ArrayBlockingQueue<>(queueCapacity);
        this.onStep = onStep;
        this.thread = new Thread(this::loop, "generation-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a sequence; it joins the batch at the next step. */
    public void submit(Sequence sequence) {
        if (closed || !waiting.offer(sequence)) {
            throw new QueueFullException(capacity);
        }
    }

    public int running() {
        return running;
    }

    public int waiting() {
        return waiting.size();
    }

    private void loop() {
        while (!closed) {
            try {
                List<Sequence> newcomers = new ArrayList<>();
                if (decoder.isEmpty()) {
                    Sequence first = waiting.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    newcomers.add(first);
                    long until = System.nanoTime() + maxWaitNanos;
                    while (newcomers.size() < maxBatchSize) {
                        Sequence next = waiting.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                        if (next == null) {
                            break;
                        }
                        newcomers.add(next);
                    }
                } else {
                    waiting.drainTo(newcomers, maxBatchSize - decoder.size());
                }
                admit(newcomers);
                running = decoder.size();
                if (!decoder.isEmpty()) {
                    onStep.accept(decoder.size());
                    decoder.step();
                }
                running = decoder.size();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("generation step failed", e);
            }
        }
    }

    /** Sequences cancelled while they waited end here; the others join the batch. */
    private void admit(List<Sequence> newcomers) {
        List<Sequence> live = new ArrayList<>();
        for (Sequence sequence : newcomers) {
            if (sequence.cancelled()) {
                sequence.finish(FinishReason.LENGTH);
            } else {
                live.add(sequence);
            }
        }
        decoder.admit(live);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        decoder.cancelAll();
        waiting.forEach(sequence -> sequence.finish(FinishReason.LENGTH));
        decoder.close();
        manager.close();
    }
}
