"""Schemathesis drives every operation of the OpenAPI document against the app.

Fails on any 5xx, an undocumented status code or content type, or a body that does not
match its documented schema.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from registry import create_app
from registry.bodies.service import create_body, issue_key
from registry.cli.db import upgrade
from registry.db import commit, get_session
from registry.demo.seed import seed
from registry.schemes.service import load_schemes, read_scheme_file
from registry.signing.service import generate_key, minter_for

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def contract_app(tmp_path_factory):
    data = tmp_path_factory.mktemp("contract")
    url = f"sqlite:///{data / 'contract.sqlite3'}"
    upgrade(url)
    app = create_app(
        {
            "data_dir": data,
            "database_url": url,
            "keys_dir": data / "keys",
            "base_url": "https://registry.example.cn",
            "testing": True,
            "secret_key": "x",
        }
    )
    with app.app_context():
        session = get_session()
        load_schemes(session, read_scheme_file())
        generate_key(session, app.config["SETTINGS"])
        seed(session, 40, minter=minter_for(session, app.config["SETTINGS"]))
        body = create_body(session, "CNCA-R-2099-777", "契约测试认证中心")
        _row, key = issue_key(session, body.code)
        commit(session)
    app.config["TEST_API_KEY"] = key
    return app


def test_every_operation_matches_the_document(contract_app):
    # Driven by hand rather than schemathesis' pytest plugin, which does not support pytest 9 yet.
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", contract_app)
    # Its WSGI transport offers br/gzip (urllib3's defaults) but never decodes the answer; compression
    # itself is tested in tests/web/test_assets.py.
    headers = {"Authorization": f"Bearer {contract_app.config['TEST_API_KEY']}", "Accept-Encoding": "identity"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    failures = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def exercise(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            exercise()
        except Exception as exc:
            failures[operation.label] = str(exc)[:2000]
    assert failures == {}
