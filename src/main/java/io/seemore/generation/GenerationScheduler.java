package io.seemore.generation;

import ai.djl.ndarray.NDManager;
import io.seemore.model.Engines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching for one model, in two stages on two threads so that reading newcomers
 * overlaps decoding. The prefill thread takes waiting requests as places in the batch free up
 * (waiting at most a short time for company when nothing is decoding), encodes their images in
 * one batch and reads their prompts; the decode thread joins them at its next step and advances
 * every active sequence one token per step. A request leaves as soon as it ends. Past the bounded
 * waiting queue, requests are refused.
 */
public final class GenerationScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GenerationScheduler.class);
    private static final long IDLE_POLL_MILLIS = 200;
    /**
     * Intra-op threads of each of the two threads: one each keeps the two stages from taking each
     * other's core (set on the thread itself, since a training job changes its own count).
     */
    private static final int THREADS = 1;

    /** The waiting queue is full. */
    public static final class QueueFullException extends RuntimeException {
        public QueueFullException(int capacity) {
            this("too many generation requests are waiting (" + capacity + "); try again shortly");
        }

        public QueueFullException(String message) {
            super(message);
        }
    }

    private final BatchDecoder decoder;
    private final NDManager manager;
    private final int prefillBatchSize;
    private final long maxWaitNanos;
    private final BlockingQueue<Sequence> waiting;
    /** Places in the batch: taken when a request is prefilled, given back when it leaves. */
    private final Semaphore places;
    private final BlockingQueue<BatchDecoder.Prefilled> prefilled = new LinkedBlockingQueue<>();
    private final int capacity;
    private final IntConsumer onStep;
    private final List<Thread> threads;
    private volatile int decoding;
    private volatile boolean closed;

    /**
     * @param maxBatchSize most sequences decoded together
     * @param prefillBatchSize most newcomers read together (larger groups wait longer for their first token)
     * @param onStep hears the batch size of every decoder step
     */
    public GenerationScheduler(Generator generator, String name, int maxBatchSize, int prefillBatchSize,
            Duration maxWait, int queueCapacity, IntConsumer onStep) {
        this.manager = NDManager.newBaseManager();
        this.decoder = new BatchDecoder(generator.model(), generator.tokenizer(), manager);
        this.places = new Semaphore(maxBatchSize);
        this.prefillBatchSize = prefillBatchSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.capacity = queueCapacity;
        this.waiting = new ArrayBlockingQueue<>(queueCapacity);
        this.onStep = onStep;
        this.threads = List.of(new Thread(this::prefillLoop, "generation-prefill-" + name),
                new Thread(this::decodeLoop, "generation-decode-" + name));
        threads.forEach(thread -> {
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** Refuses at once when the queue is full: before a request's image is decoded, so that 503s stay cheap. */
    public void checkCapacity() {
        if (closed || waiting.remainingCapacity() == 0) {
            throw new QueueFullException(capacity);
        }
    }

    /** Queues a sequence; it joins the batch as soon as there is a place. */
    public void submit(Sequence sequence) {
        if (closed || !waiting.offer(sequence)) {
            throw new QueueFullException(capacity);
        }
    }

    /** Requests holding a place in the batch: being decoded, or read and about to join. */
    public int running() {
        return decoding + prefilled.size();
    }

    public int waiting() {
        return waiting.size();
    }

    private void prefillLoop() {
        Engines.useThreads(THREADS);
        while (!closed) {
            try {
                List<Sequence> newcomers = takeNewcomers();
                List<BatchDecoder.Prefilled> ready = List.of();
                try {
                    ready = decoder.prefill(newcomers);
                } catch (RuntimeException e) {
                    newcomers.forEach(sequence -> sequence.fail(e));
                    throw e;
                } finally {
                    places.release(newcomers.size() - ready.size());
                }
                prefilled.addAll(ready);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("prefill failed", e);
            }
        }
    }

    /**
     * Up to a prefill batch of waiting requests, one place in the batch each; when nothing is being
     * decoded, waits a little for company so that the first step is shared.
     */
    private List<Sequence> takeNewcomers() throws InterruptedException {
        List<Sequence> newcomers = new ArrayList<>();
        places.acquire();
        Sequence first = waiting.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (first == null) {
            places.release();
            return newcomers;
        }
        newcomers.add(first);
        long until = running() == 0 ? System.nanoTime() + maxWaitNanos : 0;
        while (newcomers.size() < prefillBatchSize && places.tryAcquire()) {
            Sequence next = waiting.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                places.release();
                break;
            }
            newcomers.add(next);
        }
        return newcomers;
    }

    private void decodeLoop() {
        Engines.useThreads(THREADS);
        while (!closed) {
            try {
                List<BatchDecoder.Prefilled> newcomers = new ArrayList<>();
                if (decoder.isEmpty()) {
                    BatchDecoder.Prefilled first = prefilled.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    newcomers.add(first);
                }
                prefilled.drainTo(newcomers);
                int holding = decoder.size() + newcomers.size();
                try {
                    decoder.join(newcomers);
                    decoding = decoder.size();
                    if (!decoder.isEmpty()) {
                        onStep.accept(decoder.size());
                        decoder.step();
                    }
                } finally {
                    decoding = decoder.size();
                    places.release(holding - decoder.size());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("generation step failed", e);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Thread thread : threads) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        decoder.cancelAll();
        prefilled.forEach(newcomer -> {
            newcomer.sequence().finish(FinishReason.LENGTH);
            newcomer.cache().close();
        });
        waiting.forEach(sequence -> sequence.finish(FinishReason.LENGTH));
        decoder.close();
        manager.close();
    }
}
