"""The job layer over the service: ``keys`` (the only copy of job names), ``queue`` (protocol, RQ,
in-process), ``runtime`` (the one factory), ``lifecycle`` (a job's row and heartbeat), ``schedule``,
``tasks``, ``reconcile``, ``check`` (the embedded check) and ``worker``.

RQ stores each job's function as a dotted path, so ``api.jobs.<task>`` is part of the wire format:
the tasks are re-exported here under those names, and a job enqueued by an older release still runs.
"""

from .tasks import ingest_job, ingest_jobs, ingest_range_job, merge_job, recheck_job, verify_job

__all__ = ["ingest_job", "ingest_jobs", "ingest_range_job", "merge_job", "recheck_job", "verify_job"]
