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

    /** The job is not in a state that allows the operation. */
    public static final class WrongState extends RuntimeException {
        public WrongState(String id, JobState state, String operation) {
            super("training job '" + id + "' is " + state + " and cannot be " + operation);
        }
    }
}
