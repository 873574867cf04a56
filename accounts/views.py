from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .forms import ProfileForm
from .models import User


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def public_profile(request, nickname):
    """A person's public page; hidden profiles (and deactivated accounts) do not exist here."""
    person = get_object_or_404(
        User.objects.filter(is_active=True, profile_hidden=False), nickname__iexact=nickname
    )
    if person.nickname != nickname:
        return redirect(person, permanent=True)
    return render(request, "accounts/public_profile.html", {"person": person})
