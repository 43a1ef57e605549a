"""Watch fixtures: local receivers on 127.0.0.1 (ports 8125-8129), listed as an allowed webhook host."""

from random import Random

import pytest

from registry.demo.seed import credit_code


@pytest.fixture
def allow_local(app):
    settings = app.config["SETTINGS"]
    original = settings.webhook_allow_hosts
    object.__setattr__(settings, "webhook_allow_hosts", ("127.0.0.1", "localhost"))
    yield
    object.__setattr__(settings, "webhook_allow_hosts", original)


@pytest.fixture
def make_watch(client, allow_local):
    def make(url, numbers=(), credit_codes=()):
        r = client.post(
            "/api/v1/watches", json={"url": url, "numbers": list(numbers), "credit_codes": list(credit_codes)}
        )
        assert r.status_code == 201, r.json
        return r.json

    return make


def holder(seed: int, name: str = "北京关注测试有限公司") -> dict:
    return {
        "name_zh": name,
        "name_en": "Watch Test Co., Ltd.",
        "credit_code": credit_code(Random(900_000 + seed), "110105"),
    }
