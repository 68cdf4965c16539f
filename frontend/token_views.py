"""The "API tokens" page: a person creates tokens for the REST API, bound to one fair they take part
in, personal or their organization's, with scopes and an expiry, sees each new token once, and
revokes their own and their organization's tokens (fair/tokens.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fair import tokens
from fair.access import access_fair
from fair.models import Fair, Participant
from frontend.forms import ApiTokenForm
from kernel.errors import DomainError


def _fairs_of(user):
    return (
        Fair.objects.filter(participants__user=user, participants__status=Participant.Status.APPROVED)
        .distinct()
        .order_by("name")
    )


@login_required
def api_tokens(request):
    # The booth builder links here with ?fair=<slug>&owner=company: the form starts with those.
    initial = {k: request.GET[k] for k in ("fair", "owner") if request.GET.get(k)}
    form = ApiTokenForm(request.POST or None, fairs=_fairs_of(request.user), initial=initial)
    new_key = None
    if request.method == "POST":
        try:
            if request.POST.get("revoke"):
                token_id = request.POST["revoke"]
                token_id = int(token_id) if token_id.isdigit() else 0
                token = tokens.token_revoke(actor=request.user, token_id=token_id)
                messages.success(request, _("The token %(name)s no longer works.") % {"name": token.name})
                return redirect("api_tokens")
            if form.is_valid():
                fair = access_fair(request.user, form.cleaned_data["fair"], perm="fair:attend")
                data = form.cleaned_data
                _token, new_key = tokens.token_create(
                    actor=request.user,
                    fair=fair,
                    name=data["name"],
                    scopes=data["scopes"],
                    expires_in_days=data["expires_in"],
                    owner=data["owner"],
                )
                form = ApiTokenForm(fairs=_fairs_of(request.user))
        except DomainError as e:
            form.add_error(None, e.message)
    context = {
        "form": form,
        "tokens": tokens.tokens_of(request.user),
        "organization_tokens": tokens.organization_tokens_of(request.user),
        "new_key": new_key,
    }
    return render(request, "frontend/api_tokens.html", context, status=400 if form.errors else 200)
