"""Scan tiles as queue tasks: with a broker, every worker takes tiles of a scan."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from taza.sites.scan import run_tile


@db_task(retries=2, retry_delay=30)
def scan_tile(tile_id: int) -> None:

    run_tile(tile_id)
