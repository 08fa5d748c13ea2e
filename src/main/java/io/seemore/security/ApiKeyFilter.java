package io.seemore.security;

import io.seemore.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/** Authenticates {@code Authorization: Bearer KEY} against the configured keys; a wrong key is a 401 at once. */
final class ApiKeyFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final List<byte[]> keys;
    private final ProblemWriter problems;

    ApiKeyFilter(List<String> keys, ProblemWriter problems) {
        this.keys = keys.stream().map(key -> key.getBytes(StandardCharsets.UTF_8)).toList();
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null) {
            if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length()) || !known(header.substring(BEARER.length()).trim())) {
                response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
                problems.write(response, HttpStatus.UNAUTHORIZED, "unauthorized", "Invalid API key",
                        "the API key in the Authorization header is not valid");
                return;
            }
            SecurityContextHolder.getContext().setAuthentication(
                    UsernamePasswordAuthenticationToken.authenticated("api-key", null, List.of()));
        }
        chain.doFilter(request, response);
    }

    /** Compares in constant time, so that response times do not reveal a key's prefix. */
    private boolean known(String candidate) {
        byte[] bytes = candidate.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (byte[] key : keys) {
            found |= MessageDigest.isEqual(key, bytes);
        }
        return found;
    }
}
