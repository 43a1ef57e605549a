"""Certification bodies' contact details: set from the CLI, shown where consumers look."""

from __future__ import annotations

from tests.conftest import issue


def test_create_and_update_a_body_with_contacts(runner, client, session, minter):
    made = runner.invoke(
        args=["bodies", "create", "CNCA-R-2099-321", "--name-zh", "联系测试认证中心", "--phone", "400-800-1234"]
    )
    assert made.exit_code == 0, made.output
    changed = runner.invoke(
        args=[
            "bodies",
            "update",
            "CNCA-R-2099-321",
            "--email",
            "service@cb.example.cn",
            "--website",
            "https://cb.example.cn/",
        ]
    )
    assert changed.exit_code == 0 and "phone 400-800-1234, email service@cb.example.cn" in changed.output
    bodies = client.get("/bodies").get_data(as_text=True)
    assert 'href="tel:4008001234">400-800-1234</a>' in bodies
    assert 'href="mailto:service@cb.example.cn"' in bodies and 'href="https://cb.example.cn/"' in bodies
    from registry.bodies.service import get_body

    body = get_body(session, "CNCA-R-2099-321")
    cert = issue(session, body, minter)
    page = client.get(f"/certificates/{cert.number}").get_data(as_text=True)
    assert 'href="mailto:service@cb.example.cn"' in page
    scan = client.get(f"/V/{cert.token}").get_data(as_text=True)
    assert 'href="https://cb.example.cn/"' in scan
    cleared = runner.invoke(args=["bodies", "update", "CNCA-R-2099-321", "--phone", ""])
    assert cleared.exit_code == 0 and "400-800-1234" not in cleared.output


def test_malformed_contacts_are_refused_naming_the_field(runner):
    runner.invoke(args=["bodies", "create", "CNCA-R-2099-322", "--name-zh", "测试"])
    for option, value, field in (
        ("--phone", "call us", "contact_phone"),
        ("--email", "not-an-address", "contact_email"),
        ("--website", "javascript:alert(1)", "website"),
    ):
        r = runner.invoke(args=["bodies", "update", "CNCA-R-2099-322", option, value])
        assert r.exit_code == 1 and field in r.output
    missing = runner.invoke(args=["bodies", "update", "NOPE-BODY", "--phone", "400-800-1234"])
    assert missing.exit_code == 1 and "NOPE-BODY" in missing.output
