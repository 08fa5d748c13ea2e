package io.seemore.training;

/** The loss became NaN or infinite: the run cannot go on. */
public final class TrainingDivergedException extends RuntimeException {

    public TrainingDivergedException(int step, float loss) {
        super("training diverged at step " + step + ": loss is " + loss);
    }
}
