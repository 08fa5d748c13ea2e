package io.seemore.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static final int SIZE = 8;
    /** An odd side, so that the centre of rotation and zoom is a pixel's centre. */
    private static final int LARGE = 33;
    private static final int CENTRE = LARGE / 2;

    private static Augmentation shift(float shift) {
        return new Augmentation(shift, 0, 0, 0, 0);
    }

    /** A black image of {@code size} x {@code size} with one white pixel at (x, y). */
    private static byte[] dot(int size, int x, int y) {
        byte[] rgb = new byte[size * size * 3];
        Arrays.fill(rgb, 3 * (y * size + x), 3 * (y * size + x) + 3, (byte) 255);
        return rgb;
    }

    /** Where the brightest pixel is. */
    private static int[] whereIsTheDot(byte[] rgb, int size) {
        int brightest = 0;
        for (int i = 1; i < size * size; i++) {
            if ((rgb[3 * i] & 0xff) > (rgb[3 * brightest] & 0xff)) {
                brightest = i;
            }
        }
        return new int[] {brightest % size, brightest / size};
    }

    @Test
    void shiftsMoveTheContentByAtMostTheShareAndCoverEveryOffset() {
        SplittableRandom random = new SplittableRandom(1);
        Set<String> offsets = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            byte[] shifted = shift(0.25f).apply(dot(SIZE, 4, 4), SIZE, SIZE, random);
            int[] at = whereIsTheDot(shifted, SIZE);
            assertThat(Math.abs(at[0] - 4)).isLessThanOrEqualTo(2);
            assertThat(Math.abs(at[1] - 4)).isLessThanOrEqualTo(2);
            // Whole pixels: the dot moves, undimmed and unblurred.
            assertThat(shifted).containsOnly((byte) 0, (byte) 255);
            offsets.add(at[0] + "," + at[1]);
        }
        assertThat(offsets).hasSize(25);
    }

    @Test
    void theEdgesAreRepeatedIntoTheGapAndNoneChangesNothing() {
        byte[] grey = new byte[SIZE * SIZE * 3];
        Arrays.fill(grey, (byte) 90);
        assertThat(shift(0.5f).apply(grey, SIZE, SIZE, new SplittableRandom(3))).containsOnly((byte) 90);
        assertThat(new Augmentation(0.5f, 45, 0.5f, 0.25f, 0).apply(grey, SIZE, SIZE, new SplittableRandom(3)))
                .containsOnly((byte) 90);
        byte[] image = dot(SIZE, 1, 2);
        assertThat(Augmentation.NONE.apply(image, SIZE, SIZE, new SplittableRandom(3))).isSameAs(image);
    }

    /** Where a dot ten pixels right of the centre lands, as an offset from the centre, in 200 draws. */
    private static List<int[]> landingsOfADotRightOfTheCentre(Augmentation augmentation, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<int[]> landings = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int[] at = whereIsTheDot(augmentation.apply(dot(LARGE, CENTRE + 10, CENTRE), LARGE, LARGE, random), LARGE);
            landings.add(new int[] {at[0] - CENTRE, at[1] - CENTRE});
        }
        return landings;
    }

    @Test
    void rotationTurnsTheContentAboutTheCentreBothWaysWithinTheLargestAngle() {
        Set<Boolean> turnedUp = new HashSet<>();
        for (int[] offset : landingsOfADotRightOfTheCentre(new Augmentation(0, 30, 0, 0, 0), 7)) {
            double dx = offset[0];
            double dy = offset[1];
            assertThat(Math.hypot(dx, dy)).isCloseTo(10, within(1.0));
            assertThat(Math.abs(Math.toDegrees(Math.atan2(dy, dx)))).isLessThanOrEqualTo(30 + 6);
            if (Math.abs(dy) >= 3) {
                turnedUp.add(dy < 0);
            }
        }
        assertThat(turnedUp).containsExactlyInAnyOrder(true, false);
    }

    @Test
    void zoomScalesTheContentAboutTheCentreBothWaysWithinTheLargestChange() {
        Set<Integer> distances = new HashSet<>();
        for (int[] offset : landingsOfADotRightOfTheCentre(new Augmentation(0, 0, 0.4f, 0, 0), 11)) {
            assertThat(offset[1]).isZero();
            int distance = offset[0];
            assertThat(distance).isBetween(6 - 1, 14 + 1);
            distances.add(distance);
        }
        assertThat(distances).contains(6, 10, 14);
    }

    /** Where a dot at (x, y) lands under one draw, as an offset from where it was. */
    private static int[] offsetOfADot(Augmentation augmentation, int x, int y, long seed) {
        int[] at = whereIsTheDot(augmentation.apply(dot(LARGE, x, y), LARGE, LARGE, new SplittableRandom(seed)), LARGE);
        return new int[] {at[0] - x, at[1] - y};
    }

    @Test
    void elasticWarpMovesEachPartByAtMostTheLargestDisplacementAndPartsDifferently() {
        // Control points move up to 0.1 x 33 = 3.3 px; the dot's brightest pixel is within one more.
        Augmentation warp = new Augmentation(0, 0, 0, 0.1f, 0);
        Set<Integer> horizontal = new HashSet<>();
        int bentApart = 0;
        for (long seed = 0; seed < 100; seed++) {
            // The same draw for both: a shift would move them alike, a warp need not.
            int[] left = offsetOfADot(warp, 6, CENTRE, seed);
            int[] right = offsetOfADot(warp, LARGE - 7, CENTRE, seed);
            for (int[] offset : List.of(left, right)) {
                assertThat(Math.abs(offset[0])).isLessThanOrEqualTo(4);
                assertThat(Math.abs(offset[1])).isLessThanOrEqualTo(4);
                horizontal.add(offset[0]);
            }
            if (!Arrays.equals(left, right)) {
                bentApart++;
            }
        }
        assertThat(horizontal).contains(-2, 0, 2);
        assertThat(bentApart).isGreaterThan(50);
    }

    @Test
    void colourJitterChangesBrightnessAndContrastWithinRange() {
        byte[] image = dot(SIZE, 3, 3);
        Augmentation jitter = new Augmentation(0, 0, 0, 0, 0.5f);
        SplittableRandom random = new SplittableRandom(5);
        Set<Integer> brightest = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            byte[] changed = jitter.apply(image, SIZE, SIZE, random);
            assertThat(whereIsTheDot(changed, SIZE)).containsExactly(3, 3);
            brightest.add(changed[3 * (3 * SIZE + 3)] & 0xff);
        }
        assertThat(brightest.size()).isGreaterThan(10);
    }

    @Test
    void outOfRangeChangesAreRefusedByName() {
        assertThatThrownBy(() -> new Augmentation(0.6f, 0, 0, 0, 0)).hasMessageContaining("shift");
        assertThatThrownBy(() -> new Augmentation(0, 50, 0, 0, 0)).hasMessageContaining("rotation");
        assertThatThrownBy(() -> new Augmentation(0, 0, -0.1f, 0, 0)).hasMessageContaining("zoom");
        assertThatThrownBy(() -> new Augmentation(0, 0, 0, 0.3f, 0)).hasMessageContaining("elastic");
        assertThatThrownBy(() -> new Augmentation(0, 0, 0, 0, 1.5f)).hasMessageContaining("colourJitter");
    }
}
