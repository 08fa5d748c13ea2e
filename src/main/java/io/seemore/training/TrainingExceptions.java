package io.seemore.training;

/** The errors of the training job service. */
public final class TrainingExceptions {

    private TrainingExceptions() {}

    /** No job has the given id. */
    public static final class UnknownJob extends RuntimeException {
        public UnknownJob(String id) {
            super("no training job '" + id + "'");
        }
    }

    /** The job queue is full; try again later. */
    public static final class QueueFull extends RuntimeException {
        public QueueFull(int capacity) {
            super("the training queue is full (" + capacity + " jobs waiting); try again later");
        }
    }

    /** Another evaluation is running; one runs at a time. */
    public static final class EvaluationRunning extends RuntimeException {
        public EvaluationRunning() {
            super("another evaluation is running (one runs at a time); try again when it is done");
        }
    }

    /** The job is not in a state that allows the operation. */
    public static final class WrongState extends RuntimeException {
        public WrongState(String id, JobState state, String operation) {
            super("training job '" + id + "' is " + state + " and cannot be " + operation);
        }
    }

    /** The job's estimated memory is over {@code seemore.training.memory-budget}. */
    public static final class OverMemoryBudget extends RuntimeException {
        private final long estimatedBytes;
        private final long budgetBytes;
        private final int largestBatchSize;

        public OverMemoryBudget(long estimatedBytes, long budgetBytes, int largestBatchSize) {
            super("this job would need about " + (estimatedBytes >> 20) + " MB, over the training memory budget of "
                    + (budgetBytes >> 20) + " MB (seemore.training.memory-budget); "
                    + (largestBatchSize > 0 ? "use a batchSize of at most " + largestBatchSize
                            : "choose a smaller preset"));
            this.estimatedBytes = estimatedBytes;
            this.budgetBytes = budgetBytes;
            this.largestBatchSize = largestBatchSize;
        }

        public long estimatedBytes() {
            return estimatedBytes;
        }

        public long budgetBytes() {
            return budgetBytes;
        }

        public int largestBatchSize() {
            return largestBatchSize;
        }
    }
}
