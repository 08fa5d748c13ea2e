package io.seemore.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static final int SIZE = 8;

    /** A black image with one white pixel at (x, y). */
    private static byte[] dot(int x, int y) {
        byte[] rgb = new byte[SIZE * SIZE * 3];
        for (int c = 0; c < 3; c++) {
            rgb[3 * (y * SIZE + x) + c] = (byte) 255;
        }
        return rgb;
    }

    /** Where the brightest pixel is. */
    private static int[] whereIsTheDot(byte[] rgb) {
        int brightest = 0;
        for (int i = 1; i < SIZE * SIZE; i++) {
            if ((rgb[3 * i] & 0xff) > (rgb[3 * brightest] & 0xff)) {
                brightest = i;
            }
        }
        return new int[] {brightest % SIZE, brightest / SIZE};
    }

    @Test
    void shiftsMoveTheContentByAtMostTheShareAndCoverEveryOffset() {
        Augmentation shift = new Augmentation(0.25f, 0);
        SplittableRandom random = new SplittableRandom(1);
        java.util.Set<String> offsets = new java.util.HashSet<>();
        for (int i = 0; i < 500; i++) {
            int[] at = whereIsTheDot(shift.apply(dot(4, 4), SIZE, SIZE, random));
            assertThat(Math.abs(at[0] - 4)).isLessThanOrEqualTo(2);
            assertThat(Math.abs(at[1] - 4)).isLessThanOrEqualTo(2);
            offsets.add(at[0] + "," + at[1]);
        }
        assertThat(offsets).hasSize(25);
    }

    @Test
    void theEdgesAreRepeatedIntoTheGapAndNoneChangesNothing() {
        byte[] grey = new byte[SIZE * SIZE * 3];
        java.util.Arrays.fill(grey, (byte) 90);
        byte[] shifted = new Augmentation(0.5f, 0).apply(grey, SIZE, SIZE, new SplittableRandom(3));
        assertThat(shifted).containsOnly((byte) 90);
        byte[] image = dot(1, 2);
        assertThat(Augmentation.NONE.apply(image, SIZE, SIZE, new SplittableRandom(3))).isSameAs(image);
    }

    @Test
    void colourJitterChangesBrightnessAndContrastWithinRange() {
        byte[] image = dot(3, 3);
        Augmentation jitter = new Augmentation(0, 0.5f);
        SplittableRandom random = new SplittableRandom(5);
        java.util.Set<Integer> brightest = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            byte[] changed = jitter.apply(image, SIZE, SIZE, random);
            assertThat(whereIsTheDot(changed)).containsExactly(3, 3);
            brightest.add(changed[3 * (3 * SIZE + 3)] & 0xff);
        }
        assertThat(brightest.size()).isGreaterThan(10);
        assertThatThrownBy(() -> new Augmentation(0.6f, 0)).hasMessageContaining("shift");
        assertThatThrownBy(() -> new Augmentation(0, 1.5f)).hasMessageContaining("colourJitter");
    }
}
