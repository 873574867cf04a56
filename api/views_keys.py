"""API key management on the profile: list, create (the key is shown once), revoke."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import ApiKey

from . import keys

MAX_ACTIVE_KEYS = 10


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=60,
        help_text=gettext_lazy("What the key is for, e.g. “Slack bot”."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


@never_cache
@login_required
def key_list(request):
    form = ApiKeyForm(request.POST or None)
    new_key = None
    active = request.user.api_keys.filter(revoked_at__isnull=True)
    if request.method == "POST" and form.is_valid():
        if active.count() >= MAX_ACTIVE_KEYS:
            form.add_error(
                None, _("You have %(n)d active keys; revoke one first.") % {"n": MAX_ACTIVE_KEYS}
            )
        else:
            _api_key, new_key = keys.create_key(request.user, form.cleaned_data["name"])
            form = ApiKeyForm()
    return render(
        request,
        "api/keys.html",
        {
            "form": form,
            "new_key": new_key,
            "api_keys": request.user.api_keys.all(),
            "docs_url": "/api/v2/docs/",
        },
    )


@require_POST
@login_required
def key_revoke(request, pk):
    api_key = get_object_or_404(ApiKey, pk=pk, user=request.user)
    keys.revoke_key(api_key)
    messages.success(request, _("The key “%(name)s” was revoked.") % {"name": api_key.name})
    return redirect("api_keys")
