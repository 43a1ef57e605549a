"""A receipt as a printable A4 PDF: who checked what, when, the answers, and a QR code back to the
receipt page for re-checking. Chinese text uses reportlab's built-in CID font (STSong-Light): the
PDF viewer supplies the glyphs, so no font file ships and none is fetched."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import qrcode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"

VERDICT_BILINGUAL = {
    "valid": "有效 Valid",
    "suspended": "暂停 Suspended",
    "revoked": "已撤销 Revoked",
    "withdrawn": "已注销 Withdrawn",
    "expired": "已过期 Expired",
    "not_found": "未找到 Not found",
    "forged": "伪造 Forged",
}


@dataclass(frozen=True)
class ReportFacts:
    """Everything the report prints besides the results themselves."""

    registry_name: str
    page_url: str
    receipt_hash: str
    kid: str | None
    genuine: bool
    checked_at_beijing: str
    checked_at_utc: str
    as_of: str | None


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _qr_png(url: str) -> io.BytesIO:
    image = qrcode.make(url, error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    out.seek(0)
    return out


def _holder(r: dict[str, Any]) -> str:
    if r.get("holder"):
        h = r["holder"]
        return f"{h['name_zh']}\n{h['credit_code']}"
    return "\n".join(f"{h['name_zh']} {h['credit_code']}" for h in r.get("holders") or [])


def _stars(r: dict[str, Any]) -> str:
    """The result's star level; for a holder, that of its best certificate (listed first)."""
    level = r.get("star_level") or (r["certificates"][0]["star_level"] if r.get("certificates") else None)
    return f"{level}★" if level else ""


def _certificate(r: dict[str, Any]) -> str:
    if r.get("certificates") is not None:
        lines = []
        for c in r["certificates"]:
            verdict = VERDICT_BILINGUAL[c["verdict"]].split()[0]
            lines.append(f"{c['number']} {verdict} {c['star_level']}★ {c['scheme']} → {c['expires']}")
        return "\n".join(lines)
    parts = [r.get("number") or ""]
    if r.get("scheme"):
        parts.append(f"{r['scheme']} → {r.get('expires')}")
    return "\n".join(p for p in parts if p)


def render_pdf(facts: ReportFacts, payload: dict[str, Any]) -> bytes:
    """The A4 report for one receipt."""
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    small = ParagraphStyle("small", fontName=font, fontSize=7.5, leading=10)
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{facts.registry_name} — 核验报告 Verification report",
        author=facts.registry_name,
    )
    signature = (
        "签名有效：本回执由登记簿签发，未被改动 / Signature genuine: issued by the registry, unaltered"
        if facts.genuine
        else "签名无效：回执被改动或密钥已吊销 / Signature NOT genuine: altered or signed by a revoked key"
    )
    facts_rows = [
        ["核验时间（北京时间）/ Checked (Beijing time)", facts.checked_at_beijing],
        ["核验时间（UTC）/ Checked (UTC)", facts.checked_at_utc],
        ["核验基准日 / As of", facts.as_of or "核验当时 / at the time of the check"],
        ["签名密钥 / Signing key id", facts.kid or "—"],
        ["回执哈希 SHA-256 / Receipt hash", facts.receipt_hash],
        ["签名 / Signature", signature],
        ["复核 / Re-check at", facts.page_url],
    ]
    qr = Image(_qr_png(facts.page_url), width=34 * mm, height=34 * mm)
    head = Table(
        [
            [
                [
                    para(facts.registry_name, title),
                    para("证书核验报告 / Certificate verification report", body),
                    Spacer(1, 3 * mm),
                    Table(
                        [[para(k, small), para(v, small)] for k, v in facts_rows],
                        colWidths=[52 * mm, 88 * mm],
                        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]),
                    ),
                ],
                qr,
            ]
        ],
        colWidths=[144 * mm, 36 * mm],
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
    )
    header = ["#", "输入 Input", "结论 Verdict", "星级 Stars", "获证组织 Holder", "证书 Certificate"]
    rows: list[list[Any]] = [[para(h, cell) for h in header]]
    for i, r in enumerate(payload.get("results") or [], start=1):
        rows.append(
            [
                para(str(i), cell),
                para(str(r.get("input", ""))[:120], cell),
                para(VERDICT_BILINGUAL.get(r.get("verdict", ""), str(r.get("verdict"))), cell),
                para(_stars(r), cell),
                para(_holder(r), cell),
                para(_certificate(r), cell),
            ]
        )
    table = Table(rows, colWidths=[8 * mm, 36 * mm, 24 * mm, 15 * mm, 46 * mm, 51 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story = [head, Spacer(1, 5 * mm), table, Spacer(1, 4 * mm)]
    story.append(
        para(
            "本报告依据登记簿签名回执生成；扫描二维码或访问上方地址可随时复核签名与结论。"
            " This report is printed from the registry's signed receipt; scan the QR code or open the address above "
            "to re-check its signature and results at any time.",
            small,
        )
    )
    doc.build(story)
    return out.getvalue()
