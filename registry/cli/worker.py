"""`flask --app registry worker`: deliver webhooks from the outbox until stopped (Ctrl-C or SIGTERM)."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app

from registry.watches.delivery import Sender
from registry.watches.worker import Worker, WorkerSettings


@click.command("worker")
@click.option("--concurrency", default=16, show_default=True, help="Deliveries in flight at once.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between looks at an empty outbox.")
@click.option("--lease", default=60.0, show_default=True, help="Seconds a claimed message stays with this worker.")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for a receiver.")
@click.option("--retry-base", default=10.0, show_default=True, help="First retry delay in seconds (then x3).")
@click.option("--give-up-after", default=72.0, show_default=True, help="Hours after a change to stop retrying.")
@click.option("--once", is_flag=True, help="One round, then exit.")
def worker_command(
    concurrency: int, poll: float, lease: float, timeout: float, retry_base: float, give_up_after: float, once: bool
) -> None:
    """Deliver signed webhooks for watch lists, and queue expiry messages daily."""
    settings = WorkerSettings(
        concurrency=concurrency,
        lease=max(lease, timeout + 1),
        timeout=timeout,
        retry_base=retry_base,
        give_up_after=give_up_after * 3600,
        poll=poll,
    )
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    sender = Sender(app.config["SETTINGS"].webhook_allow_hosts, timeout=timeout, connections=concurrency)
    worker = Worker(app.extensions["registry.sessionmaker"], sender, settings)
    try:
        if once:
            click.echo(f"attempted {worker.run_once()} deliveries")
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        click.echo(f"webhook worker running (concurrency {concurrency}); Ctrl-C to stop")
        worker.run(stop)
    finally:
        worker.close()
