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
 * Rows joining, growing, leaving and moving back to the buffers' first column keep exactly their
 * own positions, in order, right-aligned. Position p of sequence s is stored as the value 100 s + p.
 */
class KvCacheTest {

    private static final int HEADS = 2;
    private static final int WIDTH = 3;
    private static final long MAX_LENGTH = 12;

    @Test
    void rowsKeepTheirOwnPositionsThroughJoinsStepsRemovalsAndMoves() {
        try (NDManager manager = NDManager.newBaseManager(); KvCache batch = new KvCache(manager, 1, MAX_LENGTH)) {
            List<Integer> rows = new ArrayList<>();
            List<Integer> lengths = new ArrayList<>();

            join(manager, batch, rows, lengths, 0, 3);
            join(manager, batch, rows, lengths, 1, 5); // longer than the batch: the rows move right
            assertThat(batch.length()).isEqualTo(5);
            assertThat(batch.padding(0)).isEqualTo(2);
            step(manager, batch, rows, lengths);

            remove(batch, rows, lengths, 1);
            assertThat(batch.length()).isEqualTo(4);
            assertThat(batch.padding(0)).isZero();
            join(manager, batch, rows, lengths, 2, 8);
            assertThat(batch.length()).isEqualTo(8);
            assertThat(batch.padding(0)).isEqualTo(4);
            // Rows come and go for longer than the buffers are wide: they move back to the first column.
            for (int sequence = 10; sequence < 10 + 4 * MAX_LENGTH; sequence++) {
                for (int row = rows.size() - 1; row >= 0; row--) {
                    if (lengths.get(row) == MAX_LENGTH) {
                        remove(batch, rows, lengths, row);
                    }
                }
                if (rows.size() < 2) {
                    join(manager, batch, rows, lengths, sequence, 3 + sequence % 4);
                }
                step(manager, batch, rows, lengths);
            }
            while (!rows.isEmpty()) {
                remove(batch, rows, lengths, rows.size() - 1);
            }

            join(manager, batch, rows, lengths, 3, 2);
            join(manager, batch, rows, lengths, 4, 4);
            remove(batch, rows, lengths, 0); // the last row takes the first slot
            step(manager, batch, rows, lengths);
        }
    }

    /** Removes a row as the cache does: the last row takes its place. */
    private static void remove(KvCache batch, List<Integer> rows, List<Integer> lengths, int row) {
        batch.removeRow(row);
        int last = rows.size() - 1;
        rows.set(row, rows.get(last));
        rows.remove(last);
        lengths.set(row, lengths.get(last));
        lengths.remove(last);
    }

    /** A new sequence prefilled with {@code length} positions in a cache of its own, then added. */
    private static void join(NDManager manager, KvCache batch, List<Integer> rows, List<Integer> lengths, int sequence,
            int length) {
        try (KvCache own = new KvCache(manager, 1, MAX_LENGTH)) {
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
                long start = batch.padding(row);
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
