"""Webhook pages: a fair's endpoints (its organizers), a booth's (its staff), and one endpoint with its
deliveries, attempts and a redeliver button. Thin: access layer, then integrations.webhooks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exhibitors.access import access_booth
from fair.access import access_fair
from frontend.integration_forms import EndpointForm
from integrations import crm, privacy, webhooks
from integrations.access import access_endpoint
from integrations.models import DataExport, WebhookDelivery, WebhookEndpoint
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


@login_required
def crm_leads(request, fair_slug: str, booth_id: int, crm_name: str):
    """The booth's agreed leads as a CSV in HubSpot's or Salesforce's import format."""
    fair = access_fair(request.user, fair_slug)
    booth = access_booth(request.user, booth_id, perm="booth:leads", fair=fair)
    if crm_name not in crm.FORMATS:
        raise Http404(crm_name)
    response = HttpResponse(crm.to_csv(booth, crm_name), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leads-{booth.pk}-{crm_name}.csv"'
    return response


# --- a person's own data ---------------------------------------------------------------------------


@login_required
def my_data(request):
    """Download everything Tradefair holds about you (prepared by the worker, e-mailed, a week)."""
    if request.method == "POST":
        try:
            privacy.export_request(user=request.user)
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("Your data is being prepared; we will e-mail you the link."))
        return redirect("my_data")
    exports = DataExport.objects.filter(user=request.user)[:10]
    return render(request, "integrations/my_data.html", {"exports": exports})


@login_required
def data_export_download(request, uid):
    try:
        export = privacy.export_file(user=request.user, uid=uid)
    except DomainError as e:
        raise Http404(e.message) from None
    response = FileResponse(default_storage.open(export.file, "rb"), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="tradefair-my-data-{export.created_at:%Y%m%d}.zip"'
    )
    return response
