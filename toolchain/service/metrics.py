"""The service's Prometheus metrics, under the names production dashboards expect.

One registry per service (not the process-global one). Every histogram and counter is labelled
by circuit; `zkp_proof_generation_total` counts every finished job, done or failed, so that
`zkp_proof_generation_errors_total` over it is the error rate. Verification counts both the
check of every proof before it is returned and the proofs sent to POST /v1/verify.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# Up to a minute, with the 10 s goal and the 15 s alert threshold as bucket edges.
SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30, 60)
# The `reason` label of zkp_proof_generation_errors_total: the stage that failed, or the worker.
FAILED_STAGES = ("witness", "prove", "verify", "worker")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """Every metric of the service, registered in its own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        circuit = ("circuit",)
        r = self.registry
        self.generation = Histogram(
            "zkp_proof_generation_duration_seconds",
            "Seconds from a job's start on a worker to its verified proof", circuit,
            buckets=SECONDS, registry=r,
        )  # fmt: skip
        self.generated = Counter(
            "zkp_proof_generation", "Jobs finished, done or failed", circuit, registry=r
        )
        self.errors = Counter(
            "zkp_proof_generation_errors", "Jobs failed", (*circuit, "reason"), registry=r
        )
        self.verification = Histogram(
            "zkp_proof_verification_duration_seconds", "Seconds to verify one proof", circuit,
            buckets=SECONDS, registry=r,
        )  # fmt: skip
        self.verified = Counter("zkp_proof_verification", "Proofs verified", circuit, registry=r)
        self.verify_failures = Counter(
            "zkp_proof_verification_failures", "Proofs that did not verify", circuit, registry=r
        )
        self.load_time = Gauge(
            "zkp_circuit_load_time_seconds",
            "Seconds the latest worker took to load the circuit's key", circuit, registry=r,
        )  # fmt: skip
        self.active = Gauge(
            "zkp_active_provers", "Prover workers alive with their keys loaded", registry=r
        )
        self.queue_depth = Gauge("zkp_proof_queue_depth", "Jobs waiting for a worker", registry=r)
        self.queue_time = Histogram(
            "zkp_proof_queue_duration_seconds", "Seconds a job waited for a worker", circuit,
            buckets=SECONDS, registry=r,
        )  # fmt: skip
        self.stage = Histogram(
            "zkp_proof_stage_duration_seconds", "Seconds of each stage: witness, prove, verify",
            (*circuit, "stage"), buckets=SECONDS, registry=r,
        )  # fmt: skip
        self.retries = Counter(
            "zkp_proof_retries", "Jobs run again after their worker died", circuit, registry=r
        )

    def declare(self, circuits: Iterable[str]) -> None:
        """Every counter series of these circuits at 0, before anything happens to them: a rate
        over a series that is absent is no data, not zero."""
        for circuit in circuits:
            for counter in (self.generated, self.verified, self.verify_failures, self.retries):
                counter.labels(circuit)
            for reason in FAILED_STAGES:
                self.errors.labels(circuit, reason)

    def exposition(self) -> bytes:
        """The text format GET /metrics answers."""
        return generate_latest(self.registry)
