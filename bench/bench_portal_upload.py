"""The portal's preview of a 5,000-row XLSX upload, end to end through a signed-in session.

Prints rows/s for POST /portal/upload (form parsing, reading the workbook with openpyxl,
every row through the register's checks, nothing written) beside a baseline measured in the
same run: openpyxl reading the same workbook's values, and nothing else.
Target: the preview of 5,000 rows in under 10 s. Usage: python bench/bench_portal_upload.py [ROWS]
"""

from __future__ import annotations

import io
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook, load_workbook  # noqa: E402

from registry import create_app  # noqa: E402
from registry.accounts.passwords import current_passwords  # noqa: E402
from registry.accounts.service import create_user  # noqa: E402
from registry.bodies.service import create_body  # noqa: E402
from registry.cli.db import upgrade  # noqa: E402
from registry.db import commit, get_session  # noqa: E402
from registry.demo.seed import credit_code  # noqa: E402
from registry.porting.table_format import EXAMPLE_ROW  # noqa: E402
from registry.schemes.service import load_schemes, read_scheme_file  # noqa: E402

BODY = "CNCA-R-2099-901"
EMAIL = "bench@example.cn"
PASSWORD = "bench-password-1"


def workbook(rows: int) -> bytes:
    rng = random.Random(5)
    districts = ["110101", "110102", "110105", "110106", "110108"]
    book = Workbook()
    sheet = book.active
    sheet.append(list(EXAMPLE_ROW))
    for i in range(rows):
        region = districts[i % len(districts)]
        star = rng.randint(1, 5)
        sheet.append(
            [
                f"XLS-2025-{i:07d}",
                "GB/T 27922-2011",
                f"北京第{i}号商贸有限公司",
                f"Beijing No.{i} Trading Co., Ltd.",
                credit_code(rng, region),
                region,
                "mall",
                star,
                [65, 75, 82, 87, 96][star - 1],
                "家用电器的售后服务",
                "After-sales service of household appliances",
                "2025-06-01",
                "",
                "北京市示例路1号;北京市示例路2号",
                90,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def baseline(data: bytes) -> float:
    """Read every value of the workbook with openpyxl: the floor any XLSX preview pays."""
    start = time.perf_counter()
    book = load_workbook(io.BytesIO(data), read_only=True)
    for _row in book.worksheets[0].iter_rows(values_only=True):
        pass
    book.close()
    return time.perf_counter() - start


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    data = workbook(rows)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        upgrade(url)
        app = create_app(
            {
                "database_url": url,
                "data_dir": tmp,
                "keys_dir": f"{tmp}/keys",
                "secret_key": "bench",
                "rate_limits_enabled": False,
            }
        )
        with app.app_context():
            session = get_session()
            load_schemes(session, read_scheme_file())
            body = create_body(session, BODY, "基准测试认证中心")
            create_user(session, current_passwords(), EMAIL, body, "clerk", PASSWORD)
            commit(session)
        client = app.test_client()

        def token(path: str) -> str:
            return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)

        signed_in = client.post(
            "/portal/login", data={"csrf_token": token("/portal/login"), "email": EMAIL, "password": PASSWORD}
        )
        assert signed_in.status_code == 302, signed_in.get_data(as_text=True)
        base_s = baseline(data)
        start = time.perf_counter()
        response = client.post(
            "/portal/upload?lang=en",
            data={"csrf_token": token("/portal/upload"), "file": (io.BytesIO(data), "bench.xlsx")},
            content_type="multipart/form-data",
        )
        elapsed = time.perf_counter() - start
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and f"All {rows} rows are valid" in html, html[-2000:]
    print(f"rows: {rows:,}  workbook: {len(data) / 1e6:.1f} MB")
    print(f"portal preview (POST /portal/upload, nothing written): {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s")
    print(
        f"baseline openpyxl read of the values: {base_s:.2f} s = {rows / base_s:,.0f} rows/s; "
        f"ratio preview/baseline time = {elapsed / base_s:.2f}"
    )
    print(f"target < 10 s for 5,000 rows: {'met' if elapsed < 10 * rows / 5000 else 'MISSED'}")


if __name__ == "__main__":
    main()
