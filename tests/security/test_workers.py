"""Forked gunicorn workers start with their own database connections."""

import threading

import pytest

from registry.db import commit
from tests.conftest import issue
from tests.servers import gunicorn, request, server_env

pytestmark = pytest.mark.slow


def test_preloaded_workers_answer_their_first_concurrent_requests(app, app_config, session, body, minter):
    numbers = [issue(session, body, minter).number for _ in range(4)]
    commit(session)
    with gunicorn(server_env(app_config), 4) as server:
        paths = [f"/api/v1/certificates/{numbers[i % 4]}" for i in range(24)] + [f"/certificates/{n}" for n in numbers]
        barrier = threading.Barrier(len(paths))
        statuses: list[int] = []

        def fire(path: str) -> None:
            barrier.wait()
            statuses.append(request(server.url + path)[0])

        threads = [threading.Thread(target=fire, args=(p,)) for p in paths]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        log = server.log()
    assert statuses == [200] * len(paths), log[-2000:]
