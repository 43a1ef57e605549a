"""The printable star-level mark: QR payload, QR matrix, and the mark as SVG or PNG."""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import itertools
import math
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from xml.sax.saxutils import escape, quoteattr

import qrcode
import qrcode.util

# ImageFile is imported for its side effect: Image.tobytes would import it on first use,
# adding about 1 ms to the first render.
from PIL import Image, ImageDraw, ImageFile, ImageFont  # noqa: F401

from registry.signing.token import normalise_origin

PNG_MIN_SIZE = 128
PNG_MAX_SIZE = 2048
PNG_DEFAULT_SIZE = 512
QUIET_ZONE = 4
_PRINT_WIDTH_M = 0.020
CAPTION = "扫码验证 / Scan to verify"
# CJK characters in the committed font subset: the caption and the shipped schemes' Chinese short
# names (schemes.toml). A scheme added later with other characters prints them in its SVG mark
# (viewers fall back to a system CJK font) but not in the PNG; regenerate the subset (fonts/README.md).
MARK_CJK = "扫码验证售后服务定制检测北京零家政"
# Part of every mark URL's version: a new layout must not hide behind year-long cached copies.
LAYOUT_VERSION = "2"

_FONT_PATH = Path(__file__).parent / "fonts" / "NotoSansSC-Bold-mark-subset.otf"
# Exactly the characters in the committed font subset (see fonts/README.md).
_FONT_CHARS = frozenset(chr(c) for c in range(0x20, 0x7F)) | frozenset(MARK_CJK)
_SVG_FONT_FAMILY = (
    "'ScrMark','Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif"
)
_ALPHANUMERIC = frozenset(qrcode.util.ALPHA_NUM.decode("ascii"))
# XML 1.0 forbids most C0 controls even when escaped.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_N1_RE = re.compile("00000+|11111+")
# Neither finder-like pattern overlaps itself, so str.count finds every occurrence.
_N3_PATTERNS = ("10111010000", "00001011101")


def qr_payload(base_url: str, token: str) -> str:
    """The URL in the QR code: lower-case scheme, then host, /V/ and token in upper case."""
    scheme, _, host = normalise_origin(base_url).partition("://")
    compact = "".join(token.split()).upper()
    return f"{scheme}://{host.upper()}/V/{compact}"


def mark_version(token: str) -> str:
    """A short fingerprint of the token and the layout: the mark URL's `v`, and its ETag."""
    return hashlib.sha256(f"{LAYOUT_VERSION}:{token}".encode("ascii")).hexdigest()[:12]


def qr_code(payload: str) -> tuple[int, list[list[bool]]]:
    """The QR symbol for payload at error correction M: (version, rows of dark modules)."""
    version, rows = _qr_rows(payload)
    return version, [[ch == "1" for ch in row] for row in rows]


@functools.lru_cache(maxsize=256)
def _qr_rows(payload: str) -> tuple[int, tuple[str, ...]]:
    """Version and the rows as '0'/'1' strings (cached: a mark is rendered many times)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=0)
    for segment in _segments(payload):
        qr.add_data(segment)
    # Mask 0 first; the other seven masks are derived from it by XOR, which is several
    # times faster than letting qrcode rebuild and score the matrix eight times. Unlike
    # qrcode, masks are scored with their real format bits, so the choice may differ.
    qr.make(fit=True)
    version, n = qr.version, qr.modules_count
    data_rows = _data_region(version)
    mask_rows = [_mask_rows(n, pattern) for pattern in range(8)]
    plain = [_row_int(row) for row in qr.modules]
    best: tuple[int, list[int]] | None = None
    for pattern in range(8):
        qr.setup_type_info(False, pattern)
        base = plain[:]
        for r in (*range(9), *range(n - 8, n)):
            base[r] = _row_int(qr.modules[r])
        flip = [(m0 ^ mp) & d for m0, mp, d in zip(mask_rows[0], mask_rows[pattern], data_rows, strict=True)]
        candidate = [b ^ f for b, f in zip(base, flip, strict=True)]
        score = _penalty(candidate, n)
        if best is None or score < best[0]:
            best = (score, candidate)
    assert best is not None
    return version, tuple(format(row, f"0{n}b") for row in best[1])


def _segments(payload: str) -> list[qrcode.util.QRData]:
    """Byte mode for "scheme://", alphanumeric mode for the rest when it allows."""
    prefix, sep, rest = payload.partition("://")
    if not sep:
        return [qrcode.util.QRData(payload.encode("utf-8"))]
    segments = [qrcode.util.QRData((prefix + sep).encode("utf-8"), qrcode.util.MODE_8BIT_BYTE)]
    if rest and set(rest) <= _ALPHANUMERIC:
        segments.append(qrcode.util.QRData(rest.encode("ascii"), qrcode.util.MODE_ALPHA_NUM))
    elif rest:
        segments.append(qrcode.util.QRData(rest.encode("utf-8"), qrcode.util.MODE_8BIT_BYTE))
    return segments


def _row_int(row: list[bool | None]) -> int:
    return int("".join("1" if cell else "0" for cell in row), 2)


@functools.lru_cache(maxsize=8)
def _data_region(version: int) -> tuple[int, ...]:
    """Per row, a bit set where the module carries data (and so takes the mask)."""
    n = version * 4 + 17
    scratch = SimpleNamespace(
        version=version,
        modules_count=n,
        modules=[[None] * n for _ in range(n)],
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    # Borrow qrcode's own function-pattern placement so the two can never disagree.
    for row, col in ((0, 0), (n - 7, 0), (0, n - 7)):
        qrcode.QRCode.setup_position_probe_pattern(scratch, row, col)  # type: ignore[arg-type]
    qrcode.QRCode.setup_position_adjust_pattern(scratch)  # type: ignore[arg-type]
    qrcode.QRCode.setup_timing_pattern(scratch)  # type: ignore[arg-type]
    qrcode.QRCode.setup_type_info(scratch, True, 0)  # type: ignore[arg-type]
    if version >= 7:
        qrcode.QRCode.setup_type_number(scratch, True)  # type: ignore[arg-type]
    return tuple(int("".join("1" if c is None else "0" for c in row), 2) for row in scratch.modules)


@functools.lru_cache(maxsize=64)
def _mask_rows(n: int, pattern: int) -> tuple[int, ...]:
    """Per row, a bit set where mask pattern flips the module."""
    flips = qrcode.util.mask_func(pattern)
    rows = []
    for i in range(n):
        # Every mask pattern repeats every 6 columns, so build 6 and tile.
        period = "".join("1" if flips(i, j) else "0" for j in range(6))
        rows.append(int((period * (n // 6 + 1))[:n], 2))
    return tuple(rows)


def _penalty(rows: list[int], n: int) -> int:
    """ISO/IEC 18004 mask penalty (N1-N4) of a matrix given as row bit sets."""
    lines = [format(row, f"0{n}b") for row in rows]
    lines += ["".join(column) for column in zip(*lines, strict=True)]
    text = "2".join(lines)
    score = sum(len(run) - 2 for run in _N1_RE.findall(text))
    score += 40 * sum(text.count(pattern) for pattern in _N3_PATTERNS)
    inner = (1 << (n - 1)) - 1
    for upper, lower in itertools.pairwise(rows):
        same = ~(upper ^ lower)
        score += 3 * (same & (same >> 1) & ~(upper ^ (upper >> 1)) & inner).bit_count()
    dark = sum(row.bit_count() for row in rows)
    score += 10 * (abs(dark * 20 - n * n * 10) // (n * n))
    return score


@dataclass(frozen=True)
class _Layout:
    """Positions in units where the mark is 100 wide; the QR square is the top 100x100."""

    host_baseline: float = 105.5
    host_size: float = 6.2
    stars_y: float = 115.0
    star_radius: float = 5.0
    star_pitch: float = 11.0
    star_outline: float = 0.9
    scheme_baseline: float = 131.0
    number_baseline: float = 142.0
    caption_baseline: float = 152.0
    text_size: float = 8.8
    caption_size: float = 7.4
    text_width: float = 92.0
    height: float = 157.0


_LAYOUT = _Layout()


def _star_points(cx: float, cy: float, radius: float) -> list[tuple[float, float]]:
    """A five-pointed star, point up, as ten polygon vertices."""
    inner = radius * 0.382
    points = []
    for k in range(10):
        r = radius if k % 2 == 0 else inner
        angle = math.pi / 2 - k * math.pi / 5
        points.append((cx + r * math.cos(angle), cy - r * math.sin(angle)))
    return points


# Five stars, filled up to the level and hollow after it, then "N/5": the row is centred as a whole.
_RATING_GAP = 3.0
_RATING_WIDTH = 4 * 11.0 + 2 * 5.0 + _RATING_GAP + 14.5


def _star_centres(star_level: int) -> list[float]:
    """Centres of all five stars (the first `star_level` are filled)."""
    first = 50 - _RATING_WIDTH / 2 + _LAYOUT.star_radius
    return [first + k * _LAYOUT.star_pitch for k in range(5)]


def _rating_text_x() -> float:
    """Where the "N/5" text starts, right of the fifth star."""
    return _star_centres(5)[-1] + _LAYOUT.star_radius + _RATING_GAP


def mark_host(payload: str) -> str:
    """The registry's host as printed under the QR code (lower case, as people type it)."""
    return payload.partition("://")[2].partition("/")[0].lower()


def scheme_label(short_name_zh: str, short_name: str) -> str:
    """The scheme line of a mark: Chinese short name, with the code beside it when both fit at 20 mm."""
    if not short_name_zh:
        return short_name
    both = f"{short_name_zh} {short_name}"
    if _text_units(both, _LAYOUT.text_size) <= _LAYOUT.text_width:
        return both
    return short_name_zh


def _check_star_level(star_level: int) -> None:
    if not isinstance(star_level, int) or not 1 <= star_level <= 5:
        raise ValueError(f"star level must be 1-5, got {star_level!r}")


@functools.cache
def _font_bytes() -> bytes:
    return _FONT_PATH.read_bytes()


@functools.lru_cache(maxsize=1)
def _svg_font_face() -> str:
    encoded = base64.b64encode(_font_bytes()).decode("ascii")
    return (
        "@font-face{font-family:'ScrMark';font-weight:700;"
        f"src:url(data:font/otf;base64,{encoded}) format('opentype')}}"
    )


def render_svg(payload: str, star_level: int, scheme_short_name: str, number: str) -> str:
    """The mark as a self-contained SVG, 20 mm wide, with the QR as one crisp path."""
    _check_star_level(star_level)
    version, rows = _qr_rows(payload)
    total = len(rows) + 2 * QUIET_ZONE
    k = total / 100
    path = []
    for y, row in enumerate(rows):
        for match in re.finditer("1+", row):
            x = match.start() + QUIET_ZONE
            path.append(f"M{x} {y + QUIET_ZONE}h{len(match.group())}v1h-{len(match.group())}z")
    filled, hollow = [], []
    for i, cx in enumerate(_star_centres(star_level)):
        pts = _star_points(cx * k, _LAYOUT.stars_y * k, _LAYOUT.star_radius * k)
        (filled if i < star_level else hollow).append("M" + "L".join(f"{x:.3f} {y:.3f}" for x, y in pts) + "z")
    height = _LAYOUT.height * k
    label = f"{scheme_short_name} {number} {'★' * star_level}{'☆' * (5 - star_level)} {star_level}/5"

    def text(value: str, baseline: float, size: float, centre: float = 50) -> str:
        clean = _XML_FORBIDDEN.sub("", value)
        # textLength keeps long numbers inside the mark whatever font the viewer picks.
        fit = ""
        if _text_units(clean, size) > _LAYOUT.text_width:
            fit = f' textLength="{_LAYOUT.text_width * k:.3f}" lengthAdjust="spacingAndGlyphs"'
        return (
            f'<text x="{centre * k:.3f}" y="{baseline * k:.3f}" font-size="{size * k:.3f}"{fit}>{escape(clean)}</text>'
        )

    return "".join(
        [
            '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="20mm" ',
            f'height="{20 * _LAYOUT.height / 100:.2f}mm" viewBox="0 0 {total} {height:.3f}" ',
            f'role="img" aria-label={quoteattr(_XML_FORBIDDEN.sub("", label))}>',
            f"<title>{escape(_XML_FORBIDDEN.sub('', label))}</title>",
            f"<style>{_svg_font_face()}text{{font-family:{_SVG_FONT_FAMILY};",
            "font-weight:700;text-anchor:middle;fill:#000}</style>",
            f'<rect width="{total}" height="{height:.3f}" fill="#fff"/>',
            f'<path d="{"".join(path)}" fill="#000" shape-rendering="crispEdges"/>',
            text(mark_host(payload), _LAYOUT.host_baseline, _LAYOUT.host_size),
            f'<path d="{"".join(filled)}" fill="#000"/>',
            f'<path d="{"".join(hollow)}" fill="none" stroke="#000" stroke-width="{_LAYOUT.star_outline * k:.3f}"/>'
            if hollow
            else "",
            text(f"{star_level}/5", _LAYOUT.stars_y + 3.2, _LAYOUT.text_size, _rating_text_x() + 7.25),
            text(scheme_short_name, _LAYOUT.scheme_baseline, _LAYOUT.text_size),
            text(number, _LAYOUT.number_baseline, _LAYOUT.text_size),
            text(CAPTION, _LAYOUT.caption_baseline, _LAYOUT.caption_size),
            f"<!-- QR version {version}, error correction M -->",
            "</svg>",
        ]
    )


@functools.lru_cache(maxsize=32)
def _font(size_px: int) -> ImageFont.FreeTypeFont:
    # Loaded on first use, never at import; FreeType keeps the parsed face per size.
    return ImageFont.truetype(io.BytesIO(_font_bytes()), size_px)


def _printable(value: str) -> str:
    """Text the embedded font can draw: NFKC (full-width to ASCII), unknown glyphs dropped."""
    normalised = unicodedata.normalize("NFKC", value)
    kept = "".join(ch for ch in normalised if ch in _FONT_CHARS)
    return " ".join(kept.split())


def _text_units(value: str, size: float) -> float:
    """How wide `value` is at `size`, in mark units (the embedded font; a full em per glyph it lacks)."""
    missing = sum(1 for ch in unicodedata.normalize("NFKC", value) if ch not in _FONT_CHARS and not ch.isspace())
    return (_font(100).getlength(_printable(value)) / 100 + missing) * size


def _draw_text(
    draw: ImageDraw.ImageDraw, value: str, baseline: float, size: float, unit: float, width: int, centre: float = 50
) -> None:
    text = _printable(value)
    if not text:
        return
    size_px = max(6, round(size * unit))
    font = _font(size_px)
    limit = _LAYOUT.text_width * unit
    length = font.getlength(text)
    if length > limit:
        size_px = max(6, int(size_px * limit / length))
        font = _font(size_px)
    draw.text((centre * unit, baseline * unit), text, font=font, fill=0, anchor="ms")


def render_png(payload: str, star_level: int, scheme_short_name: str, number: str, size: int) -> bytes:
    """The mark as a greyscale PNG `size` pixels wide, QR scaled by a whole number."""
    _check_star_level(star_level)
    if not isinstance(size, int) or not PNG_MIN_SIZE <= size <= PNG_MAX_SIZE:
        raise ValueError(f"PNG size must be {PNG_MIN_SIZE}-{PNG_MAX_SIZE} pixels, got {size!r}")
    _, rows = _qr_rows(payload)
    n = len(rows)
    total = n + 2 * QUIET_ZONE
    # Whole pixels per module with nearest-neighbour scaling keep every edge sharp.
    module = size // total
    qr_px = module * total
    offset = (size - qr_px) // 2
    unit = size / 100
    height = round(_LAYOUT.height * unit)
    image = Image.new("L", (size, height), 255)
    symbol = Image.frombytes("L", (n, n), "".join(rows).encode("ascii").translate(_PIXELS))
    symbol = symbol.resize((n * module, n * module), Image.Resampling.NEAREST)
    image.paste(symbol, (offset + QUIET_ZONE * module, offset + QUIET_ZONE * module))
    draw = ImageDraw.Draw(image)
    _draw_text(draw, mark_host(payload), _LAYOUT.host_baseline, _LAYOUT.host_size, unit, size)
    for i, cx in enumerate(_star_centres(star_level)):
        points = _star_points(cx * unit, _LAYOUT.stars_y * unit, _LAYOUT.star_radius * unit)
        if i < star_level:
            draw.polygon(points, fill=0)
        else:
            draw.polygon(points, outline=0, width=max(1, round(_LAYOUT.star_outline * unit)))
    _draw_text(draw, f"{star_level}/5", _LAYOUT.stars_y + 3.2, _LAYOUT.text_size, unit, size, _rating_text_x() + 7.25)
    _draw_text(draw, scheme_short_name, _LAYOUT.scheme_baseline, _LAYOUT.text_size, unit, size)
    _draw_text(draw, number, _LAYOUT.number_baseline, _LAYOUT.text_size, unit, size)
    _draw_text(draw, CAPTION, _LAYOUT.caption_baseline, _LAYOUT.caption_size, unit, size)
    return _encode_png(image, pixels_per_metre=round(size / _PRINT_WIDTH_M))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _encode_png(image: Image.Image, pixels_per_metre: int) -> bytes:
    """An 8-bit greyscale PNG with a pHYs chunk so it prints 20 mm wide by default."""
    # Written by hand because Image.save's first call imports five codec plugins, which
    # alone costs more than the whole 15 ms budget for a cold render.
    width, height = image.size
    raw = image.tobytes()
    scanlines = b"".join(b"\x00" + raw[offset : offset + width] for offset in range(0, width * height, width))
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)),
            _png_chunk(b"pHYs", struct.pack(">IIB", pixels_per_metre, pixels_per_metre, 1)),
            _png_chunk(b"IDAT", zlib.compress(scanlines, 3)),
            _png_chunk(b"IEND", b""),
        ]
    )


_PIXELS = bytes.maketrans(b"01", b"\xff\x00")
