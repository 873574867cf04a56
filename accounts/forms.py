from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User
from .names import clean_display_name


class NoColonLabels:
    """Labels read "Email", not "Email:", in both languages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class LoginForm(NoColonLabels, AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Remember me")


class ResetPasswordForm(NoColonLabels, AllauthResetPasswordForm):
    pass


class SignupForm(NoColonLabels, AllauthSignupForm):
    """allauth's sign-up, with the nickname named as such and an optional display name."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=50,
        required=False,
        help_text=_("Shown on participant lists. You can change it later."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        nickname = self.fields["username"]
        nickname.label = _("Nickname")
        nickname.help_text = User._meta.get_field("nickname").help_text
        nickname.widget.attrs["placeholder"] = "docker_taro"
        # Labels are shown, so placeholders only give examples.
        self.fields["email"].widget.attrs["placeholder"] = "taro@example.com"
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)
        self.order_fields(["email", "username", "display_name", "password1", "password2"])

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data.get("display_name", ""))

    def save(self, request):
        user = super().save(request)
        user.display_name = self.cleaned_data.get("display_name", "")
        user.save(update_fields=["display_name"])
        return user


class ProfileForm(NoColonLabels, forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "display_name",
            "bio",
            "website_url",
            "x_username",
            "github_username",
            "profile_hidden",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data.get("display_name", ""), user=self.instance)


class DeleteAccountForm(NoColonLabels, forms.Form):
    confirm = forms.CharField(
        label=_("Type your nickname to confirm"),
        max_length=30,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm(self):
        value = self.cleaned_data["confirm"]
        if value != self.user.nickname:
            raise forms.ValidationError(_("That is not your nickname."))
        return value
