"""Template context for every page: the site's name (MEETUP_SITE_NAME)."""

from core.siteurl import site_name


def site(request):
    return {"site_name": site_name()}
