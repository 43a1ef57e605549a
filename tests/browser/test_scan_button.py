"""The site's 扫码 / Scan button reads a real mark from a camera (Chromium's fake camera) and opens its page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.browser.conftest import CHROMIUM, shot
from tests.conftest import issue

pytestmark = pytest.mark.browser


def write_y4m(picture: Image.Image, path: Path, width: int = 640, height: int = 480, frames: int = 5) -> None:
    """A YUV4MPEG2 clip (I420) showing `picture` centred on white, as Chromium's fake camera plays it."""
    canvas = Image.new("RGB", (width, height), "white")
    picture = picture.convert("RGB")
    picture.thumbnail((width - 40, height - 40))
    canvas.paste(picture, ((width - picture.width) // 2, (height - picture.height) // 2))
    y, u, v = canvas.convert("YCbCr").split()
    half = (width // 2, height // 2)
    frame = b"FRAME\n" + y.tobytes() + u.resize(half, Image.Resampling.BOX).tobytes()
    frame += v.resize(half, Image.Resampling.BOX).tobytes()
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        f.write(frame * frames)


@pytest.fixture
def camera_page(browser, tmp_path, client, session, body, minter):  # type: ignore[no-untyped-def]
    """A phone-sized page in a Chromium whose camera films a printed mark; yields (page, certificate)."""
    cert = issue(session, body, minter)
    mark = client.get(f"/certificates/{cert.number}/mark.png?size=512")
    assert mark.status_code == 200
    clip = tmp_path / "mark.y4m"
    write_y4m(Image.open(io.BytesIO(mark.data)), clip)
    camera = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={clip}",
        ],
    )
    context = camera.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.grant_permissions(["camera"])
    yield context.new_page(), cert
    context.close()
    camera.close()


@pytest.mark.parametrize("start", ["/", "/verify?lang=en"])
def test_scanning_a_printed_mark_opens_its_scan_page(camera_page, live_server, start):  # type: ignore[no-untyped-def]
    page, cert = camera_page
    loaded, violations = [], []
    page.on("request", lambda request: loaded.append(request.url))
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)

    def strict_csp(route):  # type: ignore[no-untyped-def]
        # What issue 11's policy will send: the scanner must need no inline script or style.
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": "default-src 'self'; img-src 'self' data:"}
        route.fulfill(response=response, headers=headers)

    page.route(f"{live_server}/**", strict_csp)
    page.goto(live_server + start)
    assert not any("jsQR" in url for url in loaded), "the decoder loads only when the camera starts"
    button = page.locator(".scan-button")
    assert button.is_visible()
    shot(page, f"scan-button-{'verify' if 'verify' in start else 'home'}")
    button.click()
    page.wait_for_url(f"**/V/{cert.token}?lang=*", timeout=15000)
    assert page.locator("section.verdict").get_attribute("data-verdict") == "valid"
    assert cert.holder.name_zh in page.locator("main").inner_text()
    # Desktop Chromium on Linux has no BarcodeDetector: the vendored decoder did the reading.
    assert any("/static/vendor/jsqr/jsQR.js" in url for url in loaded)
    assert violations == []
    shot(page, f"scan-button-opened-{'verify' if 'verify' in start else 'home'}")
