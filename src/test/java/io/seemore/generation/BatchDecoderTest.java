package io.seemore.generation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import io.seemore.TinyModels;
import io.seemore.datasets.ImagePreprocessor;
import io.seemore.datasets.VlmDataset;
import io.seemore.model.ModelConfig;
import io.seemore.training.TrainingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchDecoderTest {

    private static NDManager manager;
    private static Generator generator;
    private static List<float[]> images;

    @BeforeAll
    static void train() throws Exception {
        manager = NDManager.newBaseManager();
        generator = TinyModels.trainedOnSixScenes(manager, new TrainingListener() {}).generator();
        VlmDataset scenes = TinyModels.sixScenes().train();
        images = new ArrayList<>();
        ModelConfig config = generator.model().config();
        for (var source : scenes.images()) {
            images.add(ImagePreprocessor.toTensor(source.load(), config.imageWidth(), config.imageHeight(), config.letterbox()));
        }
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Different images, prompts, budgets and sampling settings, so the rows differ in every way. */
    private static List<Sequence> requests(Map<Integer, GenerationResult> results) {
        return requests(results, new ConcurrentHashMap<>());
    }

    /** The same, with the text each one streams. */
    private static List<Sequence> requests(Map<Integer, GenerationResult> results, Map<Integer, StringBuilder> shown) {
        List<Sequence> sequences = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            SamplingOptions options = i % 3 == 0 ? SamplingOptions.greedy(60 + i)
                    : new SamplingOptions(10 + 5 * i, 0.8f, i % 2 == 0 ? 5 : 0, 0.9f, 100 + i);
            String prompt = i % 2 == 0 ? "" : "one ";
            int index = i;
            sequences.add(new Sequence(images.get(i), generator.tokenizer().encodePrompt(prompt), options,
                    i == 4 ? List.of(" and") : List.of(), 0, new SequenceListener() {
                        @Override
                        public void onText(String text) {
                            shown.computeIfAbsent(index, key -> new StringBuilder()).append(text);
                        }

                        @Override
                        public void onFinish(GenerationResult result) {
                            results.put(index, result);
                        }
                    }));
        }
        return sequences;
    }

    private static Map<Integer, GenerationResult> alone() {
        Map<Integer, GenerationResult> results = new ConcurrentHashMap<>();
        for (Sequence sequence : requests(results)) {
            try (BatchDecoder decoder = new BatchDecoder(generator.model(), generator.tokenizer(), manager)) {
                decoder.admit(sequence);
                while (!decoder.isEmpty()) {
                    decoder.step();
                }
            }
        }
        return results;
    }

    @Test
    void batchedSequencesGetTheTextTheyGetAloneAndJoinMidBatch() {
        Map<Integer, GenerationResult> expected = alone();
        assertThat(expected).hasSize(6);
        assertThat(expected.get(0).text()).isEqualTo(TinyModels.sixScenes().train().examples().get(0).answer());
        assertThat(expected.get(4).text()).doesNotContain(" and");
        assertThat(generator.tokenizer().decode(expected.get(4).tokens())).as("the stop string was generated")
                .endsWith(" and");

        Map<Integer, GenerationResult> batched = new ConcurrentHashMap<>();
        Map<Integer, StringBuilder> shown = new ConcurrentHashMap<>();
        List<Sequence> sequences = requests(batched, shown);
        List<Integer> batchSizes = new ArrayList<>();
        try (BatchDecoder decoder = new BatchDecoder(generator.model(), generator.tokenizer(), manager)) {
            decoder.admit(sequences.get(0));
            decoder.admit(sequences.get(1));
            decoder.admit(sequences.get(2));
            for (int step = 0; step < 3; step++) {
                batchSizes.add(decoder.size());
                decoder.step();
            }
            // Three more join while the first three are half way.
            decoder.admit(sequences.get(3));
            decoder.admit(sequences.get(4));
            decoder.admit(sequences.get(5));
            while (!decoder.isEmpty()) {
                batchSizes.add(decoder.size());
                decoder.step();
            }
        }
        assertThat(batchSizes).contains(6);
        for (int i = 0; i < 6; i++) {
            assertThat(batched.get(i).text()).as("sequence %d", i).isEqualTo(expected.get(i).text());
            assertThat(batched.get(i).tokens()).isEqualTo(expected.get(i).tokens());
            assertThat(batched.get(i).finishReason()).isEqualTo(expected.get(i).finishReason());
            // Streamed as it came, without the beginning of the stop string.
            assertThat(shown.getOrDefault(i, new StringBuilder()).toString()).isEqualTo(batched.get(i).text());
        }
    }

    @Test
    void theSchedulerBatchesConcurrentRequestsRefusesPastItsQueueAndDropsCancelledOnes() throws Exception {
        List<Integer> steps = java.util.Collections.synchronizedList(new ArrayList<>());
        try (GenerationScheduler scheduler = new GenerationScheduler(generator, "test", 8, 4, Duration.ofMillis(50), 8,
                steps::add)) {
            Map<Integer, GenerationResult> results = new ConcurrentHashMap<>();
            List<Sequence> sequences = requests(results);
            sequences.forEach(scheduler::submit);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (results.size() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Map<Integer, GenerationResult> expected = alone();
            for (int i = 0; i < 6; i++) {
                assertThat(results.get(i).text()).isEqualTo(expected.get(i).text());
            }
            assertThat(steps.stream().mapToInt(Integer::intValue).max().orElse(0)).isGreaterThan(1);
        }

        try (GenerationScheduler scheduler = new GenerationScheduler(generator, "small", 1, 1, Duration.ZERO, 1, size -> {})) {
            CompletableFuture<GenerationResult> cancelled = new CompletableFuture<>();
            Sequence endless = new Sequence(images.get(0), generator.tokenizer().encodePrompt(""),
                    new SamplingOptions(90, 2f, 0, 1f, 3), List.of(), 0, new SequenceListener() {
                        @Override
                        public void onToken(int token) {
                            sleep();
                        }

                        @Override
                        public void onFinish(GenerationResult result) {
                            cancelled.complete(result);
                        }
                    });
            scheduler.submit(endless);
            Thread.sleep(100);
            scheduler.submit(new Sequence(images.get(1), generator.tokenizer().encodePrompt(""),
                    SamplingOptions.greedy(10), List.of(), 0, new SequenceListener() {}));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> scheduler.submit(new Sequence(images.get(2),
                    generator.tokenizer().encodePrompt(""), SamplingOptions.greedy(10), List.of(), 0,
                    new SequenceListener() {}))).isInstanceOf(GenerationScheduler.QueueFullException.class);
            endless.cancel();
            GenerationResult result = cancelled.get(5, TimeUnit.SECONDS);
            assertThat(result.completionTokens()).isLessThan(90);
        }
    }

    @Test
    void aLongLivedDecoderKeepsNoArraysOnceItsSequencesEnd() {
        try (NDManager parent = NDManager.newBaseManager();
                BatchDecoder decoder = new BatchDecoder(generator.model(), generator.tokenizer(), parent)) {
            for (int round = 0; round < 3; round++) {
                decoder.admit(requests(new ConcurrentHashMap<>()));
                while (!decoder.isEmpty()) {
                    decoder.step();
                }
                assertThat(((BaseNDManager) parent).getManagedArrays()).isEmpty();
            }
        }
    }

    @Test
    void aSequenceCancelledAsItEndsIsAnsweredOnce() {
        // A streaming client's connection closes when its answer is sent, and that cancels the sequence.
        List<GenerationResult> results = new ArrayList<>();
        Sequence[] self = new Sequence[1];
        self[0] = new Sequence(images.get(0), generator.tokenizer().encodePrompt(""), SamplingOptions.greedy(90),
                List.of(), 0, new SequenceListener() {
                    @Override
                    public void onFinish(GenerationResult result) {
                        results.add(result);
                        self[0].cancel();
                    }
                });
        try (BatchDecoder decoder = new BatchDecoder(generator.model(), generator.tokenizer(), manager)) {
            decoder.admit(List.of(self[0]));
            while (!decoder.isEmpty()) {
                decoder.step();
            }
        }
        assertThat(results).hasSize(1);
        assertThat(results.get(0).finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void aRequestPastItsTimeLimitEndsWithLength() {
        List<GenerationResult> results = new ArrayList<>();
        try (BatchDecoder decoder = new BatchDecoder(generator.model(), generator.tokenizer(), manager)) {
            decoder.admit(new Sequence(images.get(0), generator.tokenizer().encodePrompt(""), SamplingOptions.greedy(90),
                    List.of(), 1, new SequenceListener() {
                        @Override
                        public void onFinish(GenerationResult result) {
                            results.add(result);
                        }
                    }));
            while (!decoder.isEmpty()) {
                decoder.step();
            }
        }
        assertThat(results).hasSize(1);
        assertThat(results.get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(results.get(0).completionTokens()).isEqualTo(1);
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
