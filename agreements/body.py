"""The canonical body of an agreement version: what a signature covers, and its SHA-256."""

from __future__ import annotations

import hashlib
import json

from agreements.models import AgreementVersion


def canonical_body(version: AgreementVersion) -> str:
    """The text a signature covers: every word of the document and who signs it, as sorted JSON.

    A frozen version keeps the body written at its first signature; the hash on the audit page and in
    the final PDF is the SHA-256 of exactly this text, encoded as UTF-8.
    """
    if version.is_frozen:
        return version.frozen_body
    agreement = version.agreement
    parties = []
    for party in agreement.parties.select_related("company").order_by("position", "pk"):
        parties.append(
            {
                "company": party.company.name,
                "country": party.company.country.code,
                "signatories": [
                    {"name": s.name, "title": s.title, "email": s.user.email}
                    for s in party.signatories.select_related("user").order_by("pk")
                ],
            }
        )
    witnesses = [
        {"name": s.name, "title": s.title, "email": s.user.email}
        for s in agreement.signatories.filter(party__isnull=True).select_related("user").order_by("pk")
    ]
    body = {
        "agreement": agreement.pk,
        "fair": agreement.fair.name,
        "version": version.number,
        "kind": agreement.kind,
        "title": agreement.title,
        "languages": agreement.languages,
        "texts": [version.text] + ([version.second_text] if agreement.second_language else []),
        "document_sha256": version.document_sha256,
        "parties": parties,
        "witnesses": witnesses,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1)


def body_sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def version_sha256(version: AgreementVersion) -> str:
    return version.sha256 if version.is_frozen else body_sha256(canonical_body(version))
