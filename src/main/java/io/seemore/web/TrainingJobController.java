package io.seemore.web;

import io.seemore.training.JobState;
import io.seemore.training.MetricPoint;
import io.seemore.training.TrainingJob;
import io.seemore.training.TrainingJobRequest;
import io.seemore.training.TrainingJobService;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Training jobs: start, list, show, cancel, resume, loss history and live events. */
@RestController
@RequestMapping("/api/training/jobs")
public class TrainingJobController {

    private final TrainingJobService jobs;

    public TrainingJobController(TrainingJobService jobs) {
        this.jobs = jobs;
    }

    /** One page of jobs, newest first. */
    public record JobPage(List<TrainingJob> jobs, int page, int size, int total) {}

    @Operation(summary = "Start a training run", description = "Answers 202 with the queued job; 503 when the queue is full.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<TrainingJob> start(@RequestBody TrainingJobRequest request) {
        TrainingJob job = jobs.submit(request);
        return ResponseEntity.accepted().location(URI.create("/api/training/jobs/" + job.id())).body(job);
    }

    @GetMapping
    public JobPage list(@RequestParam(required = false) JobState state,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        if (page < 0 || size < 1 || size > 200) {
            throw new io.seemore.generation.InvalidRequestException(page < 0 ? "page" : "size",
                    "page must be 0 or more and size between 1 and 200");
        }
        List<TrainingJob> all = jobs.list(state);
        int from = Math.min(all.size(), page * size);
        return new JobPage(all.subList(from, Math.min(all.size(), from + size)), page, size, all.size());
    }

    @GetMapping("/{id}")
    public TrainingJob get(@PathVariable String id) {
        return jobs.get(id);
    }

    @Operation(summary = "Cancel a job", description = "Takes effect before the next step; the last checkpoint is kept.")
    @PostMapping("/{id}/cancel")
    public TrainingJob cancel(@PathVariable String id) {
        return jobs.cancel(id);
    }

    @Operation(summary = "Resume an interrupted, cancelled or failed job from its last checkpoint")
    @PostMapping("/{id}/resume")
    public ResponseEntity<TrainingJob> resume(@PathVariable String id) {
        return ResponseEntity.accepted().body(jobs.resume(id));
    }

    @GetMapping("/{id}/metrics")
    public List<MetricPoint> metrics(@PathVariable String id) {
        return jobs.metrics(id);
    }

    @Operation(summary = "Live loss history", description = "Server-sent events: 'metric' for each point, "
            + "then 'job' with the final job when it ends.")
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(@PathVariable String id) {
        SseEmitter emitter = new SseEmitter(0L);
        Runnable unsubscribe = jobs.subscribe(id, new TrainingJobService.JobSubscriber() {
            @Override
            public void onMetric(MetricPoint point) {
                Streams.send(emitter, "metric", point);
            }

            @Override
            public void onFinished(TrainingJob job) {
                Streams.send(emitter, "job", job);
                emitter.complete();
            }
        });
        emitter.onCompletion(unsubscribe);
        emitter.onTimeout(unsubscribe);
        emitter.onError(error -> unsubscribe.run());
        return emitter;
    }
}
