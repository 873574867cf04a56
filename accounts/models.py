from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

nickname_validator = RegexValidator(
    r"^[A-Za-z0-9_-]{3,30}\Z",
    _("Use 3 to 30 letters, digits, hyphens or underscores."),
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, nickname, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), nickname=nickname, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, nickname, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, nickname, password, **extra)

    def create_superuser(self, email, nickname, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, nickname, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: attendee, speaker or organiser. Signs in with e-mail; known publicly by nickname."""

    email = models.EmailField(_("e-mail address"), unique=True)
    nickname = models.CharField(
        _("nickname"),
        max_length=30,
        unique=True,
        validators=[nickname_validator],
        help_text=_("Public, used in URLs and the API. Letters, digits, - and _."),
    )
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    bio = models.TextField(_("about you"), max_length=1000, blank=True)
    website_url = models.URLField(_("website"), max_length=300, blank=True)
    x_username = models.CharField(
        _("X (Twitter) username"),
        max_length=15,
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_]{1,15}\Z", _("Letters, digits and _ only."))],
    )
    github_username = models.CharField(
        _("GitHub username"),
        max_length=39,
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9-]{1,39}\Z", _("Letters, digits and - only."))],
    )
    profile_hidden = models.BooleanField(
        _("hide my public profile"),
        default=False,
        help_text=_(
            "Removes your public profile page and your entry in the API. Organisers still "
            "see your registrations."
        ),
    )
    calendar_token = models.CharField(
        _("private calendar token"), max_length=43, blank=True, db_index=True, editable=False
    )
    # Part of the session hash: a new stamp ends every other session (accounts/security.py).
    session_stamp = models.CharField(max_length=32, blank=True, editable=False)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Organisers need this to open the back office."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["nickname"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(Lower("nickname"), name="user_nickname_ci_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.nickname

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.nickname

    def get_absolute_url(self):
        return reverse("user_profile", args=[self.nickname])

    @property
    def initials(self) -> str:
        """One or two letters for the avatar placeholder (uploaded avatars: issue 20)."""
        words = self.name.replace("_", " ").replace("-", " ").split()
        letters = "".join(word[0] for word in words[:2]) or self.nickname[:1]
        return letters.upper()

    def _get_session_auth_hash(self, secret=None):
        """Django's hash of the password, with the session stamp: sessions end when either
        changes. Without a stamp the hash is Django's own, so existing sessions stay valid."""
        if not self.session_stamp:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}\n{self.session_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class ApiKey(models.Model):
    """A key for the API's X-API-Key header. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# allauth validates the sign-up nickname with the same rule as the model.
nickname_validators = [nickname_validator]
