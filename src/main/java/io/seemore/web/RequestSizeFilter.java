package io.seemore.web;

import io.seemore.config.SeemoreProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a body over its limit with 413 before it is read: multipart uploads past
 * {@code seemore.limits.max-upload-size}, other bodies (JSON) past {@code max-json-body}. A body
 * without a declared length is counted as it is read and cut off at the limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestSizeFilter extends OncePerRequestFilter {

    private final long maxUpload;
    private final long maxBody;
    private final ProblemWriter problems;

    public RequestSizeFilter(SeemoreProperties properties, ProblemWriter problems) {
        this.maxUpload = properties.limits().maxUploadSize().toBytes();
        this.maxBody = properties.limits().maxJsonBody().toBytes();
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        boolean multipart = contentType != null && contentType.toLowerCase().startsWith(MediaType.MULTIPART_FORM_DATA_VALUE);
        long limit = multipart ? maxUpload : maxBody;
        if (request.getContentLengthLong() > limit) {
            // The rest of the body is not wanted: the connection is not reused.
            response.setHeader(HttpHeaders.CONNECTION, "close");
            problems.write(response, HttpStatus.CONTENT_TOO_LARGE, "upload-too-large", "Request too large",
                    "the body is " + request.getContentLengthLong() + " bytes; at most " + limit + " are accepted"
                            + (multipart ? " for an upload" : " for a JSON body"));
            return;
        }
        // Multipart parts are counted by the servlet container against the same limit.
        chain.doFilter(multipart || request.getContentLengthLong() >= 0 ? request : new Limited(request, limit), response);
    }

    /** Thrown (inside whatever reads the body) when an undeclared body passes its limit. */
    public static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long limit) {
            super("the body is over " + limit + " bytes, the most accepted for a JSON body");
        }
    }

    /** A request whose body stream fails once more than {@code limit} bytes were read. */
    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        count(b < 0 ? 0 : 1);
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        int n = in.read(buffer, offset, length);
                        count(Math.max(n, 0));
                        return n;
                    }

                    private void count(int n) throws BodyTooLargeException {
                        read += n;
                        if (read > limit) {
                            throw new BodyTooLargeException(limit);
                        }
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
