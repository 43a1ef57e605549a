import json
import random

from sqlalchemy import func, select, text

from registry.bodies.models import CertificationBody
from registry.certificates.models import Certificate
from registry.db import commit
from registry.demo.seed import credit_code
from registry.porting.importer import csv_text
from tests.conftest import TABLES_IN_DELETE_ORDER

CSV_HEADER = [
    "number",
    "scheme",
    "holder_name_zh",
    "holder_name_en",
    "credit_code",
    "region",
    "business_type",
    "star_level",
    "score",
    "scope_zh",
    "scope_en",
    "issued",
    "expires",
    "sites",
]


def _rows(n, seed=1):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        rows.append(
            [
                f"IMP-2025-{i:05d}",
                "BJ-RETAIL-SQ",
                f"北京便民{i}号便利店有限公司",
                f"Beijing Bianmin No.{i} Co., Ltd.",
                credit_code(rng, "110105"),
                "110105",
                "convenience_store",
                "4",
                "900",
                "便利店零售服务",
                "Convenience retail service",
                "2025-03-01",
                "",
                "北京市朝阳区建国路1号; 北京市朝阳区望京街2号",
            ]
        )
    return rows


def _count(session):
    return session.scalar(select(func.count()).select_from(Certificate))


def _make_body(runner):
    assert runner.invoke(args=["keys", "generate"]).exit_code == 0
    result = runner.invoke(
        args=["bodies", "create", "CNCA-R-2099-009", "--name-zh", "测试认证", "--name-en", "Test Cert"]
    )
    assert result.exit_code == 0, result.output


def test_bodies_create_and_keys(runner):
    _make_body(runner)
    again = runner.invoke(args=["bodies", "create", "CNCA-R-2099-009", "--name-zh", "重复"])
    assert again.exit_code == 1 and "already exists" in again.output
    issued = runner.invoke(args=["bodies", "issue-key", "CNCA-R-2099-009"])
    assert issued.exit_code == 0
    key = issued.stdout.strip().splitlines()[-1]
    assert key.startswith("scr_") and len(key) > 40
    prefix = key.split(".")[0]
    revoked = runner.invoke(args=["bodies", "revoke-key", prefix])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    missing = runner.invoke(args=["bodies", "issue-key", "NO-SUCH-BODY"])
    assert missing.exit_code == 1 and "no certification body" in missing.output


def test_import_csv_then_identical_again_is_unchanged(runner, session, tmp_path):
    _make_body(runner)
    path = tmp_path / "issuances.csv"
    path.write_text(csv_text(CSV_HEADER, _rows(30)), encoding="utf-8-sig")
    result = runner.invoke(args=["import", str(path), "--body", "CNCA-R-2099-009"])
    assert result.exit_code == 0, result.output
    assert "30 certificates issued" in result.output
    assert _count(session) == 30
    cert = session.scalar(select(Certificate).where(Certificate.number == "IMP-2025-00007"))
    assert cert.sites == ["北京市朝阳区建国路1号", "北京市朝阳区望京街2号"]
    again = runner.invoke(args=["import", str(path), "--body", "CNCA-R-2099-009"])
    assert again.exit_code == 0 and "30 unchanged" in again.output


def test_gbk_csv_from_excel_is_read(runner, session, tmp_path):
    _make_body(runner)
    path = tmp_path / "gbk.csv"
    path.write_bytes(csv_text(CSV_HEADER, _rows(3)).encode("gbk"))
    result = runner.invoke(args=["import", str(path), "--body", "CNCA-R-2099-009"])
    assert result.exit_code == 0, result.output
    assert session.scalar(select(Certificate.id).where(Certificate.number == "IMP-2025-00001"))


def test_one_bad_row_in_a_thousand_writes_nothing_and_names_line_and_field(runner, session, tmp_path):
    _make_body(runner)
    rows = _rows(1000)
    rows[499][4] = rows[499][4][:17] + ("0" if rows[499][4][17] != "0" else "1")  # wrong check character
    path = tmp_path / "bad.csv"
    path.write_text(csv_text(CSV_HEADER, rows), encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--body", "CNCA-R-2099-009"])
    assert result.exit_code == 1
    assert "line 501: holder.credit_code: check character" in result.output
    assert "1 bad rows of 1000; nothing was written" in result.output
    assert _count(session) == 0


def test_dry_run_checks_but_writes_nothing(runner, session, tmp_path):
    _make_body(runner)
    path = tmp_path / "ok.jsonl"
    lines = []
    for row in _rows(5):
        lines.append(
            json.dumps(
                {
                    "number": row[0],
                    "scheme": row[1],
                    "star_level": 4,
                    "score": 900,
                    "scope_zh": row[9],
                    "issued": row[11],
                    "holder": {"name_zh": row[2], "credit_code": row[4], "region": row[5], "business_type": row[6]},
                },
                ensure_ascii=False,
            )
        )
    lines.append('{"number": "X-BROKEN"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--body", "CNCA-R-2099-009", "--dry-run"])
    assert result.exit_code == 1 and "line 6: line: not valid JSON" in result.output
    path.write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--body", "CNCA-R-2099-009", "--dry-run"])
    assert result.exit_code == 0 and "5 rows are valid" in result.output
    assert _count(session) == 0


def test_unknown_csv_columns_are_reported(runner, tmp_path):
    _make_body(runner)
    path = tmp_path / "cols.csv"
    path.write_text("number,scheme,colour\nA-0001,GB/T 27922-2011,red\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--body", "CNCA-R-2099-009"])
    assert result.exit_code == 1
    assert "unknown column 'colour'" in result.output and "required column 'credit_code'" in result.output


def _empty_register(session) -> None:  # type: ignore[no-untyped-def]
    """Delete every row and reset the chain head, as before a restore into a new register."""
    for table in TABLES_IN_DELETE_ORDER:
        session.execute(text(f"DELETE FROM {table}"))
    session.execute(text("UPDATE chain_head SET seq = 0, hash = :h WHERE id = 1"), {"h": "0" * 64})
    commit(session)


def test_export_import_export_is_byte_identical(runner, session, tmp_path):
    assert runner.invoke(args=["keys", "generate"]).exit_code == 0
    seeded = runner.invoke(args=["demo", "seed", "--count", "150"])
    assert seeded.exit_code == 0, seeded.output
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert runner.invoke(args=["export", str(first)]).exit_code == 0
    _empty_register(session)
    loaded = runner.invoke(args=["import", str(first)])
    assert loaded.exit_code == 0, loaded.output
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    assert runner.invoke(args=["export", str(second)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    kinds = {json.loads(line)["kind"] for line in first.read_text("utf-8").splitlines()}
    assert {"header", "scheme", "signing_key", "body", "holder", "certificate", "event"} <= kinds


def test_idempotency_records_survive_a_backup_and_restore(runner, session, client, tmp_path):
    from registry.bodies.service import issue_key
    from tests.conftest import issue

    _make_body(runner)
    body = session.scalar(select(CertificationBody))
    cert = issue(session, body)
    _row, key = issue_key(session, body.code)
    commit(session)
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "retry-1"}
    path = f"/api/v1/certificates/{cert.number}/events"
    assert client.post(path, json={"type": "suspend"}, headers=headers).status_code == 200
    backup = tmp_path / "backup.jsonl"
    assert runner.invoke(args=["export", str(backup), "--with-api-keys"]).exit_code == 0
    _empty_register(session)
    loaded = runner.invoke(args=["import", str(backup)])
    assert loaded.exit_code == 0, loaded.output
    again = client.post(path, json={"type": "suspend"}, headers=headers)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    second = tmp_path / "second.jsonl"
    assert runner.invoke(args=["export", str(second), "--with-api-keys"]).exit_code == 0
    assert backup.read_bytes() == second.read_bytes()


def test_export_only_loads_into_an_empty_register(runner, tmp_path):
    runner.invoke(args=["demo", "seed", "--count", "5"])
    path = tmp_path / "e.jsonl"
    runner.invoke(args=["export", str(path)])
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1 and "not empty" in result.output


def test_demo_seed_looks_real(runner, session, client):
    assert runner.invoke(args=["demo", "seed", "--count", "400"]).exit_code == 0
    statuses = dict(session.execute(select(Certificate.status, func.count()).group_by(Certificate.status)).all())
    assert set(statuses) == {"valid", "suspended", "revoked", "withdrawn"}
    regions = set(session.scalars(text("SELECT DISTINCT region FROM organisations")))
    assert sum(r.startswith("11") for r in regions) >= 10 and any(not r.startswith("11") for r in regions)
    types = set(session.scalars(text("SELECT DISTINCT business_type FROM organisations")))
    assert {"mall", "supermarket", "exclusive_store", "convenience_store", "housekeeping"} <= types
    kinds = set(session.scalars(text("SELECT DISTINCT type FROM certificate_events")))
    assert {"issue", "suspend", "reinstate", "renew", "surveillance"} <= kinds
    number = session.scalar(select(Certificate.number).limit(1))
    doc = client.get(f"/api/v1/certificates/{number}").json
    assert doc["holder"]["name_zh"].endswith(("公司", "分店", "分公司")) or "（" in doc["holder"]["name_zh"]
    assert runner.invoke(args=["demo", "seed", "--if-empty"]).output.startswith("register already holds 400")
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_commands_without_a_schema_say_what_to_do(tmp_path):
    from registry import create_app

    app = create_app({"data_dir": tmp_path, "database_url": f"sqlite:///{tmp_path / 'empty.db'}", "testing": True})
    result = app.test_cli_runner().invoke(args=["bodies", "create", "X-01", "--name-zh", "x"])
    assert result.exit_code == 1 and "db upgrade" in result.output


def test_a_restored_register_finds_holders_by_a_variant_of_their_name(runner, session, client, tmp_path):
    from tests.conftest import issue

    _make_body(runner)
    body = session.scalar(select(CertificationBody))
    issue(session, body, holder={"name_zh": "北京永联超市有限公司"})
    commit(session)
    backup = tmp_path / "backup.jsonl"
    assert runner.invoke(args=["export", str(backup)]).exit_code == 0
    _empty_register(session)
    loaded = runner.invoke(args=["import", str(backup)])
    assert loaded.exit_code == 0, loaded.output
    # The legal form spelled out in full: found through the holder's name key, as before the restore.
    answer = client.post("/api/v1/verify", json={"items": ["北京永联超市有限责任公司"]}).get_json()
    assert answer["results"][0]["verdict"] == "valid", answer["results"][0]
