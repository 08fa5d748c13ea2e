package io.seemore.security;

import io.seemore.config.SeemoreProperties;
import io.seemore.web.ProblemWriter;
import jakarta.servlet.DispatcherType;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * Optional API keys: with {@code seemore.security.api-keys} set, every request that changes
 * something or generates (any method but GET and HEAD) needs {@code Authorization: Bearer KEY},
 * the header the OpenAI SDKs send; reads, health and metrics stay open. Without keys the
 * service is open, as on a developer's machine. Cross-origin browser calls are refused unless
 * their origin is listed in {@code seemore.security.cors-allowed-origins}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class SecurityConfiguration {

    @Bean
    SecurityFilterChain api(HttpSecurity http, SeemoreProperties properties, ProblemWriter problems) throws Exception {
        List<String> keys = properties.security().apiKeys().stream().filter(key -> !key.isBlank()).toList();
        http.csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .cors(Customizer.withDefaults())
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) -> {
                            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
                            problems.write(response, HttpStatus.UNAUTHORIZED, "unauthorized", "API key required",
                                    "send Authorization: Bearer <API key>");
                        })
                        .accessDeniedHandler((request, response, e) -> problems.write(response, HttpStatus.FORBIDDEN,
                                "forbidden", "Forbidden", "this request is not allowed")));
        if (keys.isEmpty()) {
            http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
        } else {
            http.addFilterBefore(new ApiKeyFilter(keys, problems), AuthorizationFilter.class)
                    .authorizeHttpRequests(requests -> requests
                            // A request already authorized continues on these dispatches.
                            .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                            .requestMatchers(HttpMethod.GET).permitAll()
                            .requestMatchers(HttpMethod.HEAD).permitAll()
                            .anyRequest().authenticated());
        }
        return http.build();
    }

    @Bean
    CorsConfigurationSource corsConfigurationSource(SeemoreProperties properties) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        List<String> origins = properties.security().corsAllowedOrigins();
        if (!origins.isEmpty()) {
            CorsConfiguration configuration = new CorsConfiguration();
            configuration.setAllowedOrigins(origins);
            configuration.setAllowedMethods(List.of("GET", "POST", "DELETE"));
            configuration.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE));
            source.registerCorsConfiguration("/**", configuration);
        }
        return source;
    }
}
