"""PDFs of agreements with WeasyPrint, from the HTML templates in agreements/templates/agreements/pdf/.

Pango finds the fonts through fontconfig; the stylesheet names Noto Sans CJK (Debian's fonts-noto-cjk)
for each script by the text's language, and WeasyPrint embeds the subset of glyphs used, so Korean,
Chinese and Japanese read the same on any machine. A bilingual document puts its two languages side
by side, paragraph by paragraph.

- ``document_pdf(version)``: the document as it stands (a draft or a frozen version);
- ``final_pdf(agreement, version)``: the signed document, its last page listing every signature event
  (signatory, company, time in UTC, IP, user agent, the hash signed) and the document's SHA-256; the
  canonical body that hash covers travels inside as an attachment (body.json), so anyone can check it.
  For an uploaded PDF, its own pages come first, then the signature page.
"""

from __future__ import annotations

import io
from itertools import zip_longest

from django.template.loader import render_to_string
from django.utils import translation

from agreements.body import version_sha256
from agreements.models import Agreement, AgreementVersion, Signature

LANGUAGE_TAGS = {"zh-hans": "zh-Hans", "ko": "ko", "ja": "ja", "en": "en", "vi": "vi", "id": "id"}


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]


def paragraph_rows(agreement: Agreement, version: AgreementVersion) -> list[tuple[str, str]]:
    second = _paragraphs(version.second_text) if agreement.second_language else []
    return list(zip_longest(_paragraphs(version.text), second, fillvalue=""))


def _context(agreement: Agreement, version: AgreementVersion, *, sha256: str) -> dict:
    parties = []
    for party in agreement.parties.select_related("company").order_by("position", "pk"):
        parties.append({"company": party.company, "signatories": list(party.signatories.order_by("pk"))})
    return {
        "agreement": agreement,
        "version": version,
        "rows": paragraph_rows(agreement, version),
        "bilingual": bool(agreement.second_language),
        "lang": LANGUAGE_TAGS.get(agreement.language, agreement.language),
        "second_lang": LANGUAGE_TAGS.get(agreement.second_language, agreement.second_language),
        "parties": parties,
        "witnesses": list(agreement.signatories.filter(party__isnull=True).order_by("pk")),
        "sha256": sha256,
    }


def _render(template: str, context: dict, *, attachments=()) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf(attachments=list(attachments))


def document_pdf(version: AgreementVersion) -> bytes:
    """The document of ``version`` (its text columns; for an upload, the uploaded file itself)."""
    agreement = version.agreement
    if version.document:
        with version.document.open("rb") as f:
            return f.read()
    with translation.override(agreement.language):
        return _render(
            "agreements/pdf/document.html", _context(agreement, version, sha256=version_sha256(version))
        )


def signature_events(version: AgreementVersion) -> list[Signature]:
    return list(
        version.signatures.select_related("signatory__party__company", "signatory__user").order_by("at", "pk")
    )


def final_pdf(agreement: Agreement, version: AgreementVersion) -> bytes:
    """The signed document with its signature page (see the module's docstring)."""
    from weasyprint import Attachment

    context = _context(agreement, version, sha256=version.sha256)
    context["events"] = signature_events(version)
    context["final"] = True
    body = Attachment(string=version.frozen_body, name="body.json", description="canonical body")
    with translation.override(agreement.language):
        if not version.document:
            return _render("agreements/pdf/document.html", context, attachments=[body])
        last_page = _render("agreements/pdf/signatures.html", context, attachments=[body])
    return _append(version, last_page)


def _append(version: AgreementVersion, last_page: bytes) -> bytes:
    """The uploaded PDF's pages, then the signature page (with its attachment)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    with version.document.open("rb") as f:
        writer.append(PdfReader(io.BytesIO(f.read())))
    writer.append(PdfReader(io.BytesIO(last_page)))
    writer.add_attachment("body.json", version.frozen_body.encode("utf-8"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
