package io.seemore.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rows joining, growing, leaving and being compacted keep exactly their own positions, in order,
 * right-aligned at the cache's end. Position p of sequence s is stored as the value 100 s + p.
 */
class KvCacheTest {

    private static final int HEADS = 2;
    private static final int WIDTH = 3;
    private static final long CAPACITY = 12;

    @Test
    void rowsKeepTheirOwnPositionsThroughJoinsStepsRemovalsAndCompaction() {
        try (NDManager manager = NDManager.newBaseManager(); KvCache batch = new KvCache(manager, 1, CAPACITY)) {
            List<Integer> rows = new ArrayList<>();
            List<Integer> lengths = new ArrayList<>();

            join(manager, batch, rows, lengths, 0, 3);
            join(manager, batch, rows, lengths, 1, 5);
            assertThat(batch.length()).isEqualTo(5);
            assertThat(batch.start(0)).isEqualTo(2);
            step(manager, batch, rows, lengths);

            batch.removeRow(1);
            rows.remove(1);
            lengths.remove(1);
            join(manager, batch, rows, lengths, 2, 8); // longer than the batch: the rows move right
            assertThat(batch.length()).isEqualTo(8);
            assertThat(batch.start(0)).isEqualTo(4);
            while (batch.length() < CAPACITY) {
                step(manager, batch, rows, lengths);
            }

            batch.removeRow(1);
            rows.remove(1);
            lengths.remove(1);
            batch.makeRoom(1); // full: the padding no row needs is dropped
            assertThat(batch.length()).isEqualTo((long) lengths.get(0));
            assertThat(batch.start(0)).isZero();
            step(manager, batch, rows, lengths);

            join(manager, batch, rows, lengths, 3, 2);
            join(manager, batch, rows, lengths, 4, 4);
            batch.removeRow(0); // the last row takes the first slot
            rows.set(0, rows.remove(rows.size() - 1));
            lengths.set(0, lengths.remove(lengths.size() - 1));
            step(manager, batch, rows, lengths);
        }
    }

    /** A new sequence prefilled with {@code length} positions in a cache of its own, then added. */
    private static void join(NDManager manager, KvCache batch, List<Integer> rows, List<Integer> lengths, int sequence,
            int length) {
        try (KvCache own = new KvCache(manager, 1, CAPACITY)) {
            float[] data = new float[HEADS * length * WIDTH];
            for (int i = 0; i < data.length; i++) {
                data[i] = 100 * sequence + (i / WIDTH) % length;
            }
            NDArray positions = manager.create(data, new Shape(1, HEADS, length, WIDTH));
            own.append(0, positions, positions).close();
            positions.close();
            batch.add(List.of(own));
        }
        rows.add(sequence);
        lengths.add(length);
    }

    /** Appends every row's next position and checks everything the cache then holds. */
    private static void step(NDManager manager, KvCache batch, List<Integer> rows, List<Integer> lengths) {
        try (NDManager step = manager.newSubManager()) {
            float[] data = new float[rows.size() * HEADS * WIDTH];
            for (int i = 0; i < data.length; i++) {
                int row = i / (HEADS * WIDTH);
                data[i] = 100 * rows.get(row) + lengths.get(row);
            }
            NDArray next = step.create(data, new Shape(rows.size(), HEADS, 1, WIDTH));
            NDList cached = batch.append(0, next, next);
            lengths.replaceAll(length -> length + 1);
            long columns = batch.length();
            assertThat(cached.get(0).getShape()).isEqualTo(new Shape(rows.size(), HEADS, columns, WIDTH));
            float[] keys = cached.get(0).toFloatArray();
            for (int row = 0; row < rows.size(); row++) {
                long start = batch.start(row);
                assertThat(columns - start).as("row %d length", row).isEqualTo((long) lengths.get(row));
                for (long column = start; column < columns; column++) {
                    int index = Math.toIntExact(((row * HEADS + 1) * columns + column) * WIDTH + 2);
                    assertThat(keys[index]).as("row %d column %d", row, column)
                            .isEqualTo(100f * rows.get(row) + (column - start));
                }
            }
        }
    }
}
