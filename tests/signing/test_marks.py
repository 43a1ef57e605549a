import datetime
import io
import xml.etree.ElementTree as ET

import pytest
import qrcode
import zxingcpp
from PIL import Image

from registry.signing.keyring import InMemorySigner
from registry.signing.marks import (
    PNG_DEFAULT_SIZE,
    PNG_MAX_SIZE,
    PNG_MIN_SIZE,
    qr_code,
    qr_payload,
    render_png,
    render_svg,
)
from registry.signing.token import MarkClaims, encode_token

SIGNER = InMemorySigner()
LONG_HOST = "https://abcdefghij.klmnop.cn:65535"  # 20-character host plus the longest port
LONG_NUMBER = "CQC-2026-SV-00012345"


def _token(number: str = LONG_NUMBER, origin: str = LONG_HOST) -> str:
    return encode_token(MarkClaims(number, 5, datetime.date(2029, 6, 30)), SIGNER, origin)


def _read(png: bytes) -> list:
    return zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))


def test_payload_shape():
    payload = qr_payload("HTTPS://Registry.Example.cn/", "abcd efgh")
    assert payload == "https://REGISTRY.EXAMPLE.CN/V/ABCDEFGH"
    assert qr_payload("http://localhost:8000", "AB") == "http://LOCALHOST:8000/V/AB"
    assert qr_payload("https://registry.example.cn:443", "AB") == "https://REGISTRY.EXAMPLE.CN/V/AB"


def test_worst_case_payload_fits_version_7():
    assert len("abcdefghij.klmnop.cn") == 20
    payload = qr_payload(LONG_HOST, _token())
    version, matrix = qr_code(payload)
    assert version <= 7
    assert len(matrix) == len(matrix[0]) == 17 + 4 * version


@pytest.mark.parametrize("number", ["ABCD", LONG_NUMBER, "GB/T-27922.2011-" + "9" * 24])
def test_matrix_is_the_qrcode_library_symbol_for_one_of_the_masks(number):
    # qrcode scores masks with blank format bits, we score the real symbol, so the chosen
    # mask may differ; the symbol must still be exactly qrcode's for the mask we chose.
    payload = qr_payload("https://registry.example.cn", _token(number))
    version, matrix = qr_code(payload)
    matches = []
    for mask in range(8):
        reference = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=mask)
        reference.add_data(qrcode.util.QRData(b"https://", qrcode.util.MODE_8BIT_BYTE))
        reference.add_data(qrcode.util.QRData(payload[8:].encode(), qrcode.util.MODE_ALPHA_NUM))
        reference.make(fit=True)
        assert reference.version == version
        if reference.modules == matrix:
            matches.append(mask)
    assert len(matches) == 1


@pytest.mark.parametrize("size", [PNG_MIN_SIZE, 200, PNG_DEFAULT_SIZE, 1000])
def test_png_decodes_to_payload_at_version_7_or_less(size):
    payload = qr_payload(LONG_HOST, _token())
    png = render_png(payload, 5, "GB/T 27922", LONG_NUMBER, size)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width == size
    results = _read(png)
    assert [r.text for r in results] == [payload]
    assert results[0].ec_level == "M"
    assert 1 <= int(results[0].extra["Version"]) <= 7


def test_png_sets_print_resolution_for_20_mm():
    png = render_png(qr_payload(LONG_HOST, _token()), 3, "GB/T 27922", LONG_NUMBER, 512)
    dpi = Image.open(io.BytesIO(png)).info["dpi"][0]
    assert 512 / dpi * 25.4 == pytest.approx(20, abs=0.1)


@pytest.mark.parametrize("size", [0, PNG_MIN_SIZE - 1, PNG_MAX_SIZE + 1, 10_000])
def test_png_size_out_of_range(size):
    with pytest.raises(ValueError):
        render_png("https://X/V/AB", 3, "GB/T 27922", "ABCD", size)


@pytest.mark.parametrize("star_level", [0, 6])
def test_star_level_out_of_range(star_level):
    with pytest.raises(ValueError):
        render_png("https://X/V/AB", star_level, "GB/T 27922", "ABCD", 256)
    with pytest.raises(ValueError):
        render_svg("https://X/V/AB", star_level, "GB/T 27922", "ABCD")


def test_png_survives_names_outside_the_font():
    payload = qr_payload("https://registry.example.cn", _token())
    png = render_png(payload, 2, "国标 ＧＢ／Ｔ 27922 <&>", LONG_NUMBER, 256)
    assert [r.text for r in _read(png)] == [payload]


def _svg_dark_modules(root: ET.Element) -> int:
    ns = "{http://www.w3.org/2000/svg}"
    qr_path = next(p for p in root.iter(f"{ns}path") if p.get("shape-rendering") == "crispEdges")
    return qr_path.get("d").count("M")


def test_svg_is_well_formed_and_self_contained():
    payload = qr_payload(LONG_HOST, _token())
    svg = render_svg(payload, 4, "GB/T 27922 & <Q/HXC>", LONG_NUMBER)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == "20mm"
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert LONG_NUMBER in texts
    assert "GB/T 27922 & <Q/HXC>" in texts
    assert any("扫码验证" in t and "Scan to verify" in t for t in texts)
    assert "href" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert "data:font/otf;base64," in svg
    assert _svg_dark_modules(root) > 0


def test_svg_qr_renders_and_decodes():
    # Rasterise only the QR path, as a printer would, and read it back.
    payload = qr_payload(LONG_HOST, _token())
    version, matrix = qr_code(payload)
    root = ET.fromstring(render_svg(payload, 4, "GB/T 27922", LONG_NUMBER))
    n, scale = len(matrix), 6
    image = Image.new("L", ((n + 8) * scale, (n + 8) * scale), 255)
    ns = "{http://www.w3.org/2000/svg}"
    qr_path = next(p for p in root.iter(f"{ns}path") if p.get("shape-rendering") == "crispEdges")
    for command in qr_path.get("d").split("M")[1:]:
        head, rest = command.split("h", 1)
        x, y = (int(v) for v in head.split())
        width = int(rest.split("v", 1)[0])
        image.paste(0, (x * scale, y * scale, (x + width) * scale, (y + 1) * scale))
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [payload]
    assert int(results[0].extra["Version"]) == version


def test_svg_strips_characters_xml_forbids():
    svg = render_svg("https://X/V/AB", 1, "bad\x01name", "ABCD")
    ET.fromstring(svg)
