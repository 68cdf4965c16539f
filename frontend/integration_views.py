"""Webhook pages: a fair's endpoints (its organizers), a booth's (its staff), and one endpoint with its
deliveries, attempts and a redeliver button. Thin: access layer, then integrations.webhooks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exhibitors.access import access_booth
from fair.access import access_fair
from frontend.integration_forms import EndpointForm
from integrations import webhooks
from integrations.access import access_endpoint
from integrations.models import WebhookDelivery, WebhookEndpoint
from kernel.errors import DomainError


def _list(request, fair, booth):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = webhooks.endpoint_create(
                actor=request.user, fair=fair, booth=booth, url=form.cleaned_data["url"],
                families=form.cleaned_data["families"],
            )  # fmt: skip
        except DomainError as e:
            form.add_error("url", e.message)
        else:
            messages.success(
                request,
                _("Webhook added. Its signing secret, shown this once: %(secret)s")
                % {"secret": endpoint.secret},
            )
            return redirect("webhook_detail", fair.slug, endpoint.pk)
    endpoints = WebhookEndpoint.objects.filter(fair=fair, booth=booth)
    context = {"fair": fair, "booth": booth, "form": form, "endpoints": endpoints}
    return render(request, "integrations/webhooks.html", context, status=400 if form.errors else 200)


@login_required
def fair_webhooks(request, fair_slug: str):
    fair = access_fair(request.user, fair_slug, perm="fair:organize")
    return _list(request, fair, None)


@login_required
def booth_webhooks(request, fair_slug: str, booth_id: int):
    fair = access_fair(request.user, fair_slug)
    booth = access_booth(request.user, booth_id, perm="booth:edit", fair=fair)
    return _list(request, fair, booth)


@login_required
def webhook_detail(request, fair_slug: str, webhook_id: int):
    fair = access_fair(request.user, fair_slug)
    endpoint = access_endpoint(request.user, webhook_id, fair=fair)
    initial = {"url": endpoint.url, "families": endpoint.families, "active": endpoint.active}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "rotate":
            webhooks.endpoint_rotate(actor=request.user, endpoint=endpoint)
            messages.success(
                request,
                _("New signing secret, shown this once: %(secret)s. The old one stays valid for a day.")
                % {"secret": endpoint.secret},
            )
            return redirect("webhook_detail", fair.slug, endpoint.pk)
        if action == "delete":
            back = (
                ("booth_webhooks", fair.slug, endpoint.booth_id)
                if endpoint.booth_id
                else ("fair_webhooks", fair.slug)
            )
            webhooks.endpoint_delete(actor=request.user, endpoint=endpoint)
            messages.success(request, _("The webhook is deleted."))
            return redirect(*back)
        if form.is_valid():
            try:
                webhooks.endpoint_update(actor=request.user, endpoint=endpoint, **form.cleaned_data)
            except DomainError as e:
                form.add_error("url", e.message)
            else:
                messages.success(request, _("The webhook is saved."))
                return redirect("webhook_detail", fair.slug, endpoint.pk)
    deliveries = endpoint.deliveries.prefetch_related("attempt_log")[:50]
    context = {"fair": fair, "endpoint": endpoint, "form": form, "deliveries": deliveries}
    return render(request, "integrations/webhook_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def webhook_redeliver(request, fair_slug: str, webhook_id: int, delivery_id: int):
    fair = access_fair(request.user, fair_slug)
    endpoint = access_endpoint(request.user, webhook_id, fair=fair)
    delivery = get_object_or_404(WebhookDelivery, pk=delivery_id, endpoint=endpoint)
    webhooks.redeliver(actor=request.user, delivery=delivery)
    messages.success(request, _("The event is queued to be sent again."))
    return redirect("webhook_detail", fair.slug, endpoint.pk)
