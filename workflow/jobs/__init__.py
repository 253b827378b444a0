"""Background jobs: `submit` one, `register` a kind, run them (`run_job`, `run_pending`). See runner.py."""

from workflow.jobs import kinds
from workflow.jobs.runner import (
    JobFailed,
    Outcome,
    Progress,
    claim,
    reason,
    register,
    registered,
    run_job,
    run_pending,
    submit,
)

__all__ = [
    "JobFailed",
    "Outcome",
    "Progress",
    "claim",
    "kinds",
    "reason",
    "register",
    "registered",
    "run_job",
    "run_pending",
    "submit",
]
