package io.seemore.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import org.junit.jupiter.api.Test;

class TransformerBlockTest {

    /**
     * The decoder's last block computes only the text positions: their outputs must be those of the
     * whole block, with the image positions still read as keys and values.
     */
    @Test
    void outputsFromAPositionAreThatPartOfTheWholeOutput() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            int width = 16;
            long tokens = 9;
            long first = 5;
            TransformerBlock block = new TransformerBlock(width, 2, 0f);
            block.setInitializer(new NormalInitializer(0.2f), Parameter.Type.WEIGHT);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, tokens, width));
            ParameterStore parameters = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(2, tokens, width));
            NDArray mask = TextDecoder.causalMask(manager, tokens, tokens);

            NDArray whole = block.forward(parameters, x, mask, null, 0, false, 0);
            NDArray part = block.forward(parameters, x, mask, null, 0, false, first);

            assertThat(part.getShape()).isEqualTo(new Shape(2, tokens - first, width));
            assertThat(part.toFloatArray())
                    .containsExactly(whole.get(new NDIndex(":, {}:, :", first)).toFloatArray(), offset(1e-5f));
            // The earlier positions are read: changing one changes the later outputs.
            NDArray changed = x.duplicate();
            changed.set(new NDIndex("0, 0, :"), 3f);
            NDArray partOfChanged = block.forward(parameters, changed, mask, null, 0, false, first);
            assertThat(partOfChanged.get(new NDIndex("0")).toFloatArray())
                    .isNotEqualTo(part.get(new NDIndex("0")).toFloatArray());
        }
    }
}
