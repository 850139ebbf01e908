"""Token management pages: create (the key is shown once), list and revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import TokenForm
from api.models import ApiToken

# The new key waits in the session between the POST and the redirected GET, which
# shows it once and forgets it.
NEW_KEY_SESSION = "api_new_token"
REVOKED_SHOWN = 20


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TokenForm(request.POST, user=request.user)
        if form.is_valid():
            name = form.cleaned_data["name"]
            try:
                with transaction.atomic():
                    token, key = ApiToken.objects.create_for(request.user, name)
            except IntegrityError:  # the same name submitted twice at once
                form.add_error("name", _("You already have a token with this name."))
            else:
                request.session[NEW_KEY_SESSION] = {"id": token.pk, "key": key}
                messages.success(
                    request,
                    _("Token “%(name)s” created. Copy it now: it will not be shown again.")
                    % {"name": name},
                )
                return redirect("api:tokens")
    else:
        form = TokenForm(user=request.user)

    new = request.session.pop(NEW_KEY_SESSION, None)
    mine = ApiToken.objects.for_user(request.user)
    context = {
        "form": form,
        "active_tokens": list(mine.active()),
        "revoked_tokens": list(mine.revoked().order_by("-revoked_at")[:REVOKED_SHOWN]),
        "new_key": new["key"] if new else None,
        "new_token_id": new["id"] if new else None,
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.for_user(request.user).active(), pk=pk)
    token.revoke()
    messages.success(
        request,
        _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name},
    )
    return redirect("api:tokens")
