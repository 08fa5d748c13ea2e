package io.seemore.generation;

/** A request field holds a value the service cannot use; {@code field} names it for the client. */
public class InvalidRequestException extends RuntimeException {

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
