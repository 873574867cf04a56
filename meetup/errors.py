"""Error pages in the site's layout. The 500 page renders without context processors' DB work."""

import sys

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def server_error(request):
    from .middleware import is_unavailable, unavailable_response

    if is_unavailable(sys.exc_info()[1]):
        # The database went away outside a view (a middleware's session or cache lookup):
        # the same friendly "try again" as DatabaseUnavailableMiddleware gives inside one.
        return unavailable_response(request)
    return HttpResponseServerError(loader.get_template("500.html").render({}))
