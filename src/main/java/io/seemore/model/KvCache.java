package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.List;

/**
 * Keys and values of every decoder layer for the positions seen so far, so that each new token
 * costs one position of attention instead of a full recompute. Holds one row per sequence.
 *
 * <p>Each layer's keys and values live in buffers of {@code [row slots, heads, columns, head
 * width]} that are written in place: a step writes one column, where concatenating would copy and
 * allocate the whole cache at every step (slow while the allocator warms up, and slower still
 * with another thread busy). Rows are right-aligned: every row ends at the same column, so a step
 * writes one column for all rows. Attention reads the columns from the longest row's start
 * ({@link #length()} of them); a shorter row's first {@link #padding(int)} columns are not its own
 * and must be masked. The buffers have room for twice the longest sequence, so the rows move back
 * to the first column at most once every longest-sequence steps. They start as zeros and stay finite, so
 * masked columns weigh exactly nothing. They belong to the manager given here, not to the step
 * that writes them.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final long maxLength;
    private final long columns;
    private final NDArray[] keys;
    private final NDArray[] values;
    /** The first column of each row; every row ends at {@link #end}. */
    private long[] starts = new long[0];
    private long end;

    /**
     * @param maxLength most positions a row can hold (the model's longest sequence)
     */
    public KvCache(NDManager parent, int layers, long maxLength) {
        this.manager = parent.newSubManager();
        this.maxLength = maxLength;
        this.columns = 2 * maxLength;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Positions of the longest row: the key positions attention reads. */
    public long length() {
        return end - first();
    }

    /** Number of sequences (rows) cached. */
    public int rows() {
        return starts.length;
    }

    /** Leading positions of a row's {@link #length()} that are not its own (shorter than the longest). */
    public long padding(int row) {
        return starts[row] - first();
    }

    private long first() {
        return Arrays.stream(starts).min().orElse(end);
    }

    /**
     * Writes one layer's [B, H, T, D] keys and values after every row (an empty cache takes B rows);
     * returns views [B, H, length + T, D] of everything cached for that layer, owned by the new
     * keys' manager (the caller's step). The rows grow once the last layer is written.
     */
    NDList append(int layer, NDArray newKeys, NDArray newValues) {
        Shape shape = newKeys.getShape();
        long added = shape.get(2);
        if (starts.length == 0) {
            reserve(Math.toIntExact(shape.get(0)), newKeys);
            starts = new long[Math.toIntExact(shape.get(0))];
            end = 0;
        } else if (shape.get(0) != starts.length) {
            throw new IllegalArgumentException(shape.get(0) + " rows given to a cache of " + starts.length);
        }
        if (length() + added > maxLength) {
            throw new IllegalArgumentException("sequence of " + (length() + added)
                    + " positions is longer than the model's " + maxLength);
        }
        if (layer == 0 && end + added > columns) {
            // Every layer moves before any is written, and lengths and paddings stay as they were.
            shift(-first());
        }
        write(keys[layer], newKeys);
        write(values[layer], newValues);
        long first = first();
        NDList views = new NDList(view(keys[layer], first, end + added), view(values[layer], first, end + added));
        views.attach(newKeys.getManager());
        if (layer == keys.length - 1) {
            end += added;
        }
        return views;
    }

    // The two per-step operations go straight to libtorch: DJL's NDIndex path costs four times as much.
    private void write(NDArray buffer, NDArray fresh) {
        Shape shape = fresh.getShape();
        JniUtils.indexSet((PtNDArray) buffer, (PtNDArray) fresh, new long[] {0, 0, end, 0},
                new long[] {shape.get(0), shape.get(1), end + shape.get(2), shape.get(3)}, new long[] {1, 1, 1, 1});
    }

    private NDArray view(NDArray buffer, long from, long until) {
        try (NDArray rows = JniUtils.slice((PtNDArray) buffer, 0, 0, starts.length, 1)) {
            return JniUtils.slice((PtNDArray) rows, 2, from, until, 1);
        }
    }

    /**
     * Appends the rows of {@code others} (their positions copied, right-aligned with this cache's
     * rows; the others are left as they are).
     */
    public void add(List<KvCache> others) {
        for (KvCache other : others) {
            add(other);
        }
    }

    private void add(KvCache other) {
        int first = starts.length;
        int added = other.rows();
        if (added == 0) {
            return;
        }
        long length = other.length();
        if (first == 0) {
            end = length;
        } else if (end < length) {
            shift(length - end);
        }
        reserve(first + added, other.keys[0]);
        NDIndex from = new NDIndex(":{}, :, {}:{}, :", added, other.first(), other.end);
        NDIndex to = new NDIndex("{}:{}, :, {}:{}, :", first, first + added, end - length, end);
        for (int layer = 0; layer < keys.length; layer++) {
            copy(other.keys[layer], from, keys[layer], to);
            copy(other.values[layer], from, values[layer], to);
        }
        starts = Arrays.copyOf(starts, first + added);
        for (int row = 0; row < added; row++) {
            starts[first + row] = end - length + other.padding(row);
        }
    }

    /**
     * Drops a row: the last row moves into its slot (so rows stay contiguous), as
     * {@code rows.set(row, rows.remove(last))} would for a list.
     */
    public void removeRow(int row) {
        int last = starts.length - 1;
        if (row != last) {
            NDIndex from = new NDIndex("{}:{}, :, {}:{}, :", last, last + 1, starts[last], end);
            NDIndex to = new NDIndex("{}:{}, :, {}:{}, :", row, row + 1, starts[last], end);
            for (int layer = 0; layer < keys.length; layer++) {
                copy(keys[layer], from, keys[layer], to);
                copy(values[layer], from, values[layer], to);
            }
            starts[row] = starts[last];
        }
        starts = Arrays.copyOf(starts, last);
    }

    /** Moves the columns in use right (positive) or left (negative) by {@code by}. */
    private void shift(long by) {
        long first = first();
        NDIndex from = new NDIndex(":{}, :, {}:{}, :", starts.length, first, end);
        NDIndex to = new NDIndex(":{}, :, {}:{}, :", starts.length, first + by, end + by);
        for (int layer = 0; layer < keys.length; layer++) {
            move(keys[layer], from, to);
            move(values[layer], from, to);
        }
        for (int row = 0; row < starts.length; row++) {
            starts[row] += by;
        }
        end += by;
    }

    /** buffer[to] = buffer[from] through a copy, as the two may overlap. */
    private static void move(NDArray buffer, NDIndex from, NDIndex to) {
        try (NDArray view = buffer.get(from); NDArray moved = view.duplicate()) {
            buffer.set(to, moved);
        }
    }

    /** Makes room for {@code rows} rows shaped like {@code like} [B, H, T, D], keeping the rows held. */
    private void reserve(int rows, NDArray like) {
        long slots = keys[0] == null ? 0 : keys[0].getShape().get(0);
        if (rows <= slots) {
            return;
        }
        long grown = Math.max(rows, 2 * slots);
        NDIndex held = new NDIndex(":{}, :, :, :", slots);
        for (int layer = 0; layer < keys.length; layer++) {
            keys[layer] = grown(keys[layer], grown, like, held);
            values[layer] = grown(values[layer], grown, like, held);
        }
    }

    private NDArray grown(NDArray buffer, long slots, NDArray like, NDIndex held) {
        Shape shape = like.getShape();
        NDArray fresh = manager.zeros(new Shape(slots, shape.get(1), columns, shape.get(3)), like.getDataType());
        if (buffer != null) {
            copy(buffer, held, fresh, held);
            buffer.close();
        }
        return fresh;
    }

    /** target[to] = source[from], the temporary view freed at once. */
    private static void copy(NDArray source, NDIndex from, NDArray target, NDIndex to) {
        try (NDArray view = source.get(from)) {
            target.set(to, view);
        }
    }

    /** Forgets every row and frees the buffers. */
    public void clear() {
        for (int layer = 0; layer < keys.length; layer++) {
            if (keys[layer] != null) {
                keys[layer].close();
                values[layer].close();
                keys[layer] = null;
                values[layer] = null;
            }
        }
        starts = new long[0];
        end = 0;
    }

    @Override
    public void close() {
        manager.close();
    }
}
