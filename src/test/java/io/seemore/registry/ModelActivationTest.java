package io.seemore.registry;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.seemore.TemporaryHome;
import io.seemore.datasets.ShapesScene;
import io.seemore.generation.GenerationRequest;
import io.seemore.generation.GenerationService;
import io.seemore.generation.GenerationService.Answer;
import io.seemore.model.Checkpoint;
import io.seemore.model.ModelConfig;
import io.seemore.model.VisionLanguageModel;
import io.seemore.tokenizer.CharTokenizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** Activating another version while requests run: they finish on theirs, which is then freed. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ModelActivationTest extends TemporaryHome {

    private static final long WAIT_SECONDS = 30;
    private static final String SHIPPED = "seemore-shapes";
    private static final String RANDOM = "random-tiny";

    @Autowired
    ModelRegistry registry;

    @Autowired
    GenerationService service;

    @BeforeEach
    void twoVersionsTheShippedOneActive() {
        registry.activate(SHIPPED);
        if (registry.versions().stream().noneMatch(version -> version.id().equals(RANDOM))) {
            registerRandomVersion(RANDOM, registry.active().orElseThrow().generator().tokenizer());
        }
    }

    @Test
    void aReplacedVersionAnswersItsRunningRequestThenIsFreed() throws Exception {
        ServedModel shipped = registry.active().orElseThrow();
        ShapesScene scene = ShapesScene.random(new SplittableRandom(5));

        // A request that stops the decoding thread at its first token until told to go on.
        CountDownLatch firstToken = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        CompletableFuture<Answer> running = new CompletableFuture<>();
        service.start(request(scene), new GenerationService.AnswerListener() {
            @Override
            public void onText(String text) {
                firstToken.countDown();
                await(goOn);
            }

            @Override
            public void onAnswer(Answer answer) {
                running.complete(answer);
            }

            @Override
            public void onError(RuntimeException error) {
                running.completeExceptionally(error);
            }
        });
        assertThat(firstToken.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        registry.activate(RANDOM);
        assertThat(registry.active().orElseThrow().id()).isEqualTo(RANDOM);
        assertThat(shipped.released()).as("still answering a request").isFalse();
        // Other test classes' cached contexts may serve the same id: count, and expect one less.
        long decoders = decodingThreads(SHIPPED);
        assertThat(decoders).isPositive();

        goOn.countDown();
        Answer answer = running.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(answer.model()).isEqualTo(SHIPPED);

        NDArray parameter = shipped.generator().model().getParameters().valueAt(0).getArray();
        long until = System.nanoTime() + Duration.ofSeconds(WAIT_SECONDS).toNanos();
        while ((!parameter.isReleased() || decodingThreads(SHIPPED) == decoders)
                && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(shipped.released()).isTrue();
        assertThat(parameter.isReleased()).as("parameters of the replaced version freed").isTrue();
        assertThat(decodingThreads(SHIPPED)).as("its scheduler stopped").isEqualTo(decoders - 1);

        assertThat(generate(scene).model()).isEqualTo(RANDOM);
        registry.activate(SHIPPED);
        assertThat(registry.active().orElseThrow()).as("loaded afresh").isNotSameAs(shipped);
        Answer again = generate(scene);
        assertThat(again.model()).isEqualTo(SHIPPED);
        assertThat(again.result().text()).as("what the interrupted request got").isEqualTo(answer.result().text());
        assertThat(again.result().text()).isNotEmpty();
    }

    @Test
    void versionsSwappedUnderLoadAnswerEveryRequestAndAreAllFreed() throws Exception {
        ShapesScene scene = ShapesScene.random(new SplittableRandom(6));
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Map<String, AtomicInteger> answersByModel = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int client = 0; client < 4; client++) {
            clients.submit(() -> {
                while (!stop.get()) {
                    try {
                        String model = generate(scene).model();
                        answersByModel.computeIfAbsent(model, key -> new AtomicInteger()).incrementAndGet();
                    } catch (Exception | AssertionError e) {
                        failures.add(e);
                    }
                }
            });
        }
        List<ServedModel> served = new ArrayList<>();
        for (int swap = 0; swap < 60; swap++) {
            registry.activate(swap % 2 == 0 ? RANDOM : SHIPPED);
            served.add(registry.active().orElseThrow());
            Thread.sleep(15);
        }
        stop.set(true);
        clients.shutdown();
        assertThat(clients.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(failures).isEmpty();
        assertThat(answersByModel.keySet()).containsExactlyInAnyOrder(RANDOM, SHIPPED);
        ServedModel current = registry.active().orElseThrow();
        assertThat(served.stream().filter(model -> model != current))
                .as("every replaced version let go of by all its requests").allMatch(ServedModel::released);
        assertThat(current.released()).isFalse();
    }

    /** A checkpoint with random weights over the shipped model's characters, registered as trained. */
    private void registerRandomVersion(String id, CharTokenizer tokenizer) {
        Path checkpoint = home.resolve(id + "-checkpoint");
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionLanguageModel network = VisionLanguageModel.create(
                    ModelConfig.preset("tiny", tokenizer.vocabularySize()), manager);
            Checkpoint.save(checkpoint, network, tokenizer.vocabulary(), Map.of());
        }
        registry.register(id, checkpoint, null, null, Map.of());
    }

    private Answer generate(ShapesScene scene) throws Exception {
        return service.generate(request(scene)).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static GenerationRequest request(ShapesScene scene) {
        return new GenerationRequest(scene.png(), "", 40, null, null, null, 1L, List.of());
    }

    private static long decodingThreads(String model) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("generation-decode-" + model) && thread.isAlive()).count();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
