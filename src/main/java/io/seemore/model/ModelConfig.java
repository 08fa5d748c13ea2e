package io.seemore.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;

/**
 * Every hyperparameter of a seemore network, saved with each model so that a checkpoint always
 * rebuilds the network it was trained as.
 *
 * @param imageHeight height of the input image in pixels (older checkpoints: {@code imageSize}, the side of a square)
 * @param imageWidth width of the input image in pixels (absent in older checkpoints: the height)
 * @param imageFit how an image of another shape is brought to that size (null in older checkpoints: stretched)
 * @param patchSize side of one image patch; the image becomes (height / patchSize) x (width / patchSize) tokens
 * @param imageStem how pixels become patch embeddings
 * @param imageTokens which vision outputs the decoder sees
 * @param visionWidth width of the vision transformer
 * @param visionLayers number of vision transformer blocks
 * @param visionHeads attention heads in each vision block
 * @param projectorHidden hidden width of the vision-to-text projector MLP
 * @param textWidth width of the text decoder (and of the projected image tokens)
 * @param textLayers number of decoder blocks
 * @param textHeads attention heads in each decoder block
 * @param maxTextLength most text tokens (prompt, separators and answer) in one sequence
 * @param vocabularySize number of tokens, special tokens included
 * @param dropout dropout rate used while training
 */
public record ModelConfig(
        @JsonAlias("imageSize") int imageHeight,
        // Boxed: absent from older checkpoints, and Jackson maps an absent int to an error, not 0.
        Integer imageWidth,
        ImageFit imageFit,
        int patchSize,
        ImageStem imageStem,
        ImageTokens imageTokens,
        int visionWidth,
        int visionLayers,
        int visionHeads,
        int projectorHidden,
        int textWidth,
        int textLayers,
        int textHeads,
        int maxTextLength,
        int vocabularySize,
        float dropout) {

    /** How pixels become patch embeddings. */
    public enum ImageStem {
        /** One strided convolution with kernel = stride = patch size (the blog's way). */
        PATCHIFY,
        /** Three stride-2 3x3 convolutions (batch-normalised), then a strided convolution to the same patch grid. */
        CONV,
        /** As CONV, but the first convolution at full resolution and each normalised per image. */
        FINE_CONV
    }

    /** How an image whose shape differs from the model's input is resized to it. */
    public enum ImageFit {
        /** Resized to the input's width and height, the aspect ratio lost. */
        STRETCH,
        /**
         * Scaled to fit inside, aspect ratio kept, the rest filled with the image's border colour: an
         * object looks the same whatever the shape of the picture it is in (one item, or two side by side).
         */
        LETTERBOX
    }

    /** Which vision outputs are projected into the decoder. */
    public enum ImageTokens {
        /** One token: the CLS embedding (the blog's way). */
        CLS,
        /** One token per patch, as LLaVA and nanoVLM do. */
        PATCHES
    }

    public ModelConfig {
        if (imageWidth == null) {
            imageWidth = imageHeight;
        }
        if (imageFit == null) {
            imageFit = ImageFit.STRETCH;
        }
        require(patchSize > 0 && imageHeight > 0 && imageHeight % patchSize == 0
                        && imageWidth > 0 && imageWidth % patchSize == 0,
                "imageHeight and imageWidth must be positive multiples of patchSize");
        require(imageStem == ImageStem.PATCHIFY || patchSize % ConvStem.patchMultiple(imageStem) == 0,
                "the " + imageStem + " stem needs a patchSize divisible by " + ConvStem.patchMultiple(imageStem));
        require(visionWidth % visionHeads == 0, "visionWidth must be divisible by visionHeads");
        require(textWidth % textHeads == 0, "textWidth must be divisible by textHeads");
        require(visionLayers > 0 && textLayers > 0, "layer counts must be positive");
        require(projectorHidden > 0 && maxTextLength > 1 && vocabularySize > 0,
                "projectorHidden, maxTextLength and vocabularySize must be positive");
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The named presets; the vocabulary size is filled in from the tokenizer. */
    public static ModelConfig preset(String name, int vocabularySize) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            // The blog's hyperparameters exactly.
            case "seemore" -> new ModelConfig(96, 96, ImageFit.STRETCH, 16, ImageStem.PATCHIFY, ImageTokens.CLS,
                    512, 3, 8, 2048, 128, 8, 8, 128, vocabularySize, 0.1f);
            // Accuracy per CPU-minute: patch tokens and a convolutional stem (see README).
            case "small" -> new ModelConfig(96, 96, ImageFit.STRETCH, 16, ImageStem.CONV, ImageTokens.PATCHES,
                    160, 4, 4, 320, 128, 3, 4, 96, vocabularySize, 0f);
            // Small images of small objects (digits, clothes, icons): 32 px, 16 patch tokens, a
            // full-resolution conv stem that does most of the seeing, so one block in each
            // transformer: more steps per minute beat depth here (README, "Real data").
            case "compact" -> new ModelConfig(32, 32, ImageFit.STRETCH, 8, ImageStem.FINE_CONV, ImageTokens.PATCHES,
                    128, 1, 4, 256, 128, 1, 4, 64, vocabularySize, 0f);
            // For tests: trains in seconds.
            case "tiny" -> new ModelConfig(32, 32, ImageFit.STRETCH, 8, ImageStem.PATCHIFY, ImageTokens.PATCHES,
                    32, 1, 2, 64, 32, 2, 2, 96, vocabularySize, 0f);
            default -> throw new IllegalArgumentException(
                    "unknown preset '" + name + "' (known: seemore, small, compact, tiny)");
        };
    }

    /** This config with another image stem and/or image-token choice (null keeps the current one). */
    public ModelConfig withImagePath(String stem, String tokens) {
        return new ModelConfig(imageHeight, imageWidth, imageFit, patchSize,
                stem == null ? imageStem : ImageStem.valueOf(stem.toUpperCase(Locale.ROOT)),
                tokens == null ? imageTokens : ImageTokens.valueOf(tokens.toUpperCase(Locale.ROOT)),
                visionWidth, visionLayers, visionHeads, projectorHidden, textWidth, textLayers, textHeads,
                maxTextLength, vocabularySize, dropout);
    }

    /**
     * This config with an input of {@code rows} x {@code columns} patches, images fitted by
     * {@code fit}; the position table follows the patch count.
     */
    public ModelConfig withPatchGrid(int rows, int columns, ImageFit fit) {
        return new ModelConfig(rows * patchSize, columns * patchSize, fit, patchSize, imageStem, imageTokens,
                visionWidth, visionLayers, visionHeads, projectorHidden, textWidth, textLayers, textHeads,
                maxTextLength, vocabularySize, dropout);
    }

    /** The shape of a batch of normalised input images: [batch, 3, height, width]. */
    public Shape imageShape(long batch) {
        return new Shape(batch, 3, imageHeight, imageWidth);
    }

    /** Values in one normalised input image (3 x height x width). */
    public int imageValues() {
        return 3 * imageHeight * imageWidth;
    }

    public boolean letterbox() {
        return imageFit == ImageFit.LETTERBOX;
    }

    public int patchCount() {
        return (imageHeight / patchSize) * (imageWidth / patchSize);
    }

    /** Number of image tokens placed before the text in the decoder's sequence. */
    public int imageTokenCount() {
        return imageTokens == ImageTokens.CLS ? 1 : patchCount();
    }

    /** Length of the decoder's learned position table: image tokens then text tokens. */
    public int maxSequenceLength() {
        return imageTokenCount() + maxTextLength;
    }
}
