"""Reasons as text: one function turns a structured reason into a sentence in the viewer's language.

A reason is a dict with a ``code``, its parameters and a ``sign`` (1 good, -1 a mismatch,
0 neutral), as the engine returns them. The viewer is the buyer (reasons about an
exhibitor) or the exhibitor (reasons about a buyer), which changes the wording.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from fair import hs, vocab

BUYER, EXHIBITOR = "buyer", "exhibitor"
_DJANGO_LANGUAGE = {"zh": "zh-hans"}


def _country(code: str) -> str:
    return str(countries.name(code)) or code


def _language(code: str) -> str:
    try:
        return str(translation.get_language_info(_DJANGO_LANGUAGE.get(code, code))["name_translated"])
    except KeyError:
        return vocab.language_name(code)


def render_reason(reason: dict, *, viewer: str = BUYER, language: str | None = None) -> str:
    """The reason as one short sentence, in ``language`` (default: the active language)."""
    with translation.override(language or translation.get_language()):
        return _render(reason, viewer)


def render_reasons(reasons: list[dict], *, viewer: str = BUYER, language: str | None = None) -> list[str]:
    return [render_reason(r, viewer=viewer, language=language) for r in reasons]


def _render(r: dict, viewer: str) -> str:  # noqa: C901 - one branch per code, on purpose
    code = r["code"]
    buyer_view = viewer == BUYER
    if code == "hs_match":
        label = hs.hs_label(r["hs"], translation.get_language())
        if buyer_view:
            return _("sells %(label)s (HS %(hs)s) that you source") % {"label": label, "hs": r["hs"]}
        return _("sources %(label)s (HS %(hs)s) that you sell") % {"label": label, "hs": r["hs"]}
    if code == "targets_market":
        if buyer_view:
            return _("targets %(country)s") % {"country": _country(r["country"])}
        return _("is in %(country)s, one of your target markets") % {"country": _country(r["country"])}
    if code == "not_target_market":
        if buyer_view:
            return _("does not list %(country)s among its target markets") % {
                "country": _country(r["country"])
            }
        return _("is in %(country)s, which is not among your target markets") % {
            "country": _country(r["country"])
        }
    if code == "holds_required_cert":
        if buyer_view:
            return _("holds %(cert)s, which you require") % {"cert": r["cert"]}
        return _("requires %(cert)s, which you hold") % {"cert": r["cert"]}
    if code == "missing_required_cert":
        if buyer_view:
            return _("does not hold %(cert)s, which you require") % {"cert": r["cert"]}
        return _("requires %(cert)s, which you do not hold") % {"cert": r["cert"]}
    if code == "holds_market_cert":
        params = {"cert": r["cert"], "country": _country(r["country"])}
        if buyer_view:
            return _("holds %(cert)s, which buyers in %(country)s often require") % params
        return _("buyers in %(country)s often require %(cert)s, which you hold") % params
    if code == "missing_market_cert":
        return _("buyers in %(country)s require %(cert)s, which you do not hold") % {
            "cert": r["cert"],
            "country": _country(r["country"]),
        }
    if code == "shared_language":
        if buyer_view:
            return _("staff speak %(language)s") % {"language": _language(r["language"])}
        return _("speaks %(language)s") % {"language": _language(r["language"])}
    if code == "no_shared_language":
        return _("no shared meeting language: an interpreter can be assigned")
    if code == "description_match":
        return _("what you describe matches: %(terms)s") % {"terms": ", ".join(r["terms"])}
    if code == "similar_buyers_met":
        n = r.get("count", 0)
        if buyer_view:
            return ngettext(
                "%(count)d buyer like you met this exhibitor",
                "%(count)d buyers like you met this exhibitor",
                n,
            ) % {"count": n}
        return ngettext(
            "%(count)d buyer like this one met you", "%(count)d buyers like this one met you", n
        ) % {"count": n}
    if code == "already_met":
        return _("you have already met")
    if code == "marked":
        mine = r["by"] == viewer
        mark = {"must_meet": _("must meet"), "interested": _("interested"), "no_thanks": _("no thanks")}[
            r["mark"]
        ]
        if mine:
            return _("you marked: %(mark)s") % {"mark": mark}
        return _("they marked you: %(mark)s") % {"mark": mark}
    if code == "market_demand":
        n = r["buyers"]
        return ngettext(
            "%(count)d buyer from %(country)s sources this",
            "%(count)d buyers from %(country)s source this",
            n,
        ) % {"count": n, "country": _country(r["country"])}
    if code == "not_targeted_yet":
        return _("%(country)s is not yet among your target markets") % {"country": _country(r["country"])}
    return code
