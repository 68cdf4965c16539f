"""Export readiness pages: the organizer's playbooks (import, versions, edits), the gaps across the fair
and the promising products per market; an exhibitor's readiness checklist per product and market and
their products ranked for a market. Thin: load through the access layer, call playbooks.services."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exhibitors.access import access_booth
from fair.access import access_fair
from fair.vocab import normalise_country
from frontend.playbook_forms import BriefingForm, ItemEditForm, MarkForm, PlaybookUploadForm
from frontend.templatetags.tradefair import country_name as country_label
from kernel.access import allowed
from kernel.errors import DomainError
from playbooks import services
from playbooks.formats import PlaybookFileError
from playbooks.models import Playbook, PlaybookItem


def _country(value: str) -> str:
    try:
        return normalise_country(value)
    except Exception:  # noqa: BLE001 - any bad code is "no such page"
        raise Http404(_("No such market.")) from None


@login_required
def playbooks(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    form = PlaybookUploadForm()
    errors: list[str] = []
    if request.method == "POST":
        if request.POST.get("action") == "starter":
            try:
                results = services.import_starter_set(fair=fair, actor=request.user)
            except PlaybookFileError as e:
                errors = e.errors
            else:
                added = sum(r.created for r in results)
                messages.success(request, _("%(n)d starter playbooks added.") % {"n": added})
                return redirect("playbooks", fair.slug)
        else:
            form = PlaybookUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    result = services.import_playbook(
                        fair=fair, content=upload.read(), name=upload.name, actor=request.user
                    )
                except PlaybookFileError as e:
                    errors = e.errors
                else:
                    p = result.playbook
                    if result.created:
                        messages.success(
                            request,
                            _("Playbook %(country)s version %(version)s imported.")
                            % {"country": p.country, "version": p.version},
                        )
                    else:
                        messages.info(request, _("This version is already imported; nothing changed."))
                    return redirect("playbooks", fair.slug)
    current = services.current_playbooks(fair)
    versions = list(Playbook.objects.filter(fair=fair).order_by("country", "-version"))
    for p in versions:
        p.is_current = current.get(p.country) == p
    context = {
        "fair": fair,
        "form": form,
        "errors": errors,
        "versions": versions,
    }
    return render(request, "playbooks/console.html", context, status=400 if errors else 200)


@login_required
def playbook_detail(request, fair_slug: str, country: str, version: int):
    fair = access_fair(request.user, fair_slug, perm="fair:attend")
    playbook = get_object_or_404(Playbook, fair=fair, country=_country(country), version=version)
    newest = services.current_playbook(fair, playbook.country)
    context = {
        "fair": fair,
        "playbook": playbook,
        "items": playbook.items.all(),
        "newest": newest,
        "organizer": allowed(request.user, "fair:organize", fair),
        "language": translation.get_language(),
    }
    return render(request, "playbooks/detail.html", context)


@login_required
def playbook_item_edit(request, fair_slug: str, item_id: int):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    item = get_object_or_404(PlaybookItem.objects.select_related("playbook"), pk=item_id, playbook__fair=fair)
    language = request.POST.get("language") or request.GET.get("language") or translation.get_language()
    initial = {
        "language": language,
        "title": item.title.get(language, ""),
        "text": item.text.get(language, ""),
        "authority": item.authority,
        "lead_time_days": item.lead_time_days,
        "required": item.required,
        "url": item.url,
    }
    form = ItemEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.edit_item(item=item, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The item is saved."))
        return redirect("playbook_detail", fair.slug, item.playbook.country, item.playbook.version)
    return render(request, "playbooks/item_edit.html", {"fair": fair, "item": item, "form": form})


@login_required
def readiness(request, fair_slug: str, booth_id: int, product_id: int, country: str):
    fair = access_fair(request.user, fair_slug)
    booth = access_booth(request.user, booth_id, perm="booth:leads", fair=fair)
    product = get_object_or_404(booth.products.select_related("booth__company", "booth__fair"), pk=product_id)
    country = _country(country)
    form = None
    if request.method == "POST":
        form = MarkForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.mark_item(
                    product=product,
                    country=country,
                    key=data["key"],
                    status=data["status"],
                    note=data["note"],
                    document=data["document"],
                    actor=request.user,
                )
            except DomainError as e:
                messages.error(request, e.message)
            else:
                messages.success(request, _("Your checklist is saved."))
                return redirect(request.path + f"#item-{data['key']}")
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
    playbook = services.current_playbook(fair, country)
    checks = services.checklist(product=product, country=country, playbook=playbook)
    context = {
        "fair": fair,
        "booth": booth,
        "product": product,
        "country": country,
        "playbook": playbook,
        "checks": checks,
        "summary": services.summary(checks),
        "form": form,
        "language": translation.get_language(),
    }
    return render(request, "playbooks/readiness.html", context, status=400 if form and form.errors else 200)


@login_required
def booth_markets(request, fair_slug: str, booth_id: int):
    """An exhibitor's products ranked for one market, each with its readiness checklist."""
    fair = access_fair(request.user, fair_slug)
    booth = access_booth(request.user, booth_id, perm="booth:leads", fair=fair)
    markets = services.markets_with_buyers(fair)
    country = request.GET.get("country") or (markets[0] if markets else "")
    country = _country(country) if country else ""
    rows = services.promising_products(fair=fair, country=country, booth=booth) if country else []
    context = {"fair": fair, "booth": booth, "markets": markets, "country": country, "rows": rows}
    return render(request, "playbooks/booth_markets.html", context)


@login_required
def readiness_gaps(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    language = translation.get_language()
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            services.gaps_csv(fair=fair, language=language), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{fair.slug}-readiness-gaps.csv"'
        return response
    markets = services.markets_with_buyers(fair)
    country = request.GET.get("country") or (markets[0] if markets else "")
    country = _country(country) if country else ""
    context = {
        "fair": fair,
        "gaps": services.gaps(fair=fair),
        "markets": markets,
        "country": country,
        "products": services.promising_products(fair=fair, country=country) if country else [],
        "csv_url": reverse("readiness_gaps", args=[fair.slug]) + "?format=csv",
        "language": language,
    }
    return render(request, "playbooks/gaps.html", context)


@login_required
def briefing_new(request, fair_slug: str):
    """Invite the exhibitors of one gap (?country=CN&key=nmpa) to a briefing."""
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    country = _country(request.GET.get("country", ""))
    key = request.GET.get("key", "")[:60]
    rows = [g for g in services.gaps(fair=fair) if g.country == country and g.item.key == key]
    if not rows:
        raise Http404(_("No exhibitor has this gap any more."))
    item = rows[0].item
    booths = sorted({b.pk: b for g in rows for b in g.booths}.values(), key=lambda b: b.company.name)
    title = _("Briefing: %(item)s for %(market)s") % {
        "item": item.title_text(),
        "market": country_label(country),
    }
    form = BriefingForm(request.POST or None, initial={"title": title})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        zone = zoneinfo.ZoneInfo(request.user.time_zone or "UTC")
        try:
            services.briefing_invite(
                actor=request.user,
                fair=fair,
                country=country,
                key=key,
                title=data["title"],
                starts_at=timezone.make_aware(data["starts_at"].replace(tzinfo=None), zone),
                minutes=data["minutes"],
                link=data["link"],
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d exhibitor is invited; the invitation is on the way.",
                    "%(n)d exhibitors are invited; their invitations are on the way.",
                    len(booths),
                )
                % {"n": len(booths)},
            )
            return redirect("briefings", fair.slug)
    context = {"fair": fair, "form": form, "item": item, "country": country, "booths": booths}
    return render(request, "playbooks/briefing_new.html", context, status=400 if form.errors else 200)


@login_required
def briefings(request, fair_slug: str):
    """The fair programme's briefings: all of them for organizers, those of their booths for staff."""
    fair = access_fair(request.user, fair_slug, perm="fair:attend")
    organizer = allowed(request.user, "fair:organize", fair)
    rows = services.briefings_for(user=request.user, fair=fair, organizer=organizer)
    return render(
        request, "playbooks/briefings.html", {"fair": fair, "briefings": rows, "organizer": organizer}
    )
