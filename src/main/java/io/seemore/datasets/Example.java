package io.seemore.datasets;

/**
 * One training or evaluation row: an image (by index into its dataset), a prompt (empty for a
 * caption) and the expected answer.
 */
public record Example(int image, String prompt, String answer) {

    public boolean isCaption() {
        return prompt.isEmpty();
    }
}
