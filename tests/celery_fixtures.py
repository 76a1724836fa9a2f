"""A real Celery worker, in-process, consuming the in-memory broker (celery.contrib.testing)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest


@pytest.fixture
def celery_worker(committed_db):
    from celery.contrib.testing.worker import start_worker

    from guanxi.celery import app

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True


def wait_for(predicate: Callable[[], object], timeout: float = 10.0, interval: float = 0.05):
    """Poll until `predicate()` is truthy; return its value or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")
