"""The API's human-readable documentation page and JSON answers for paths the API lacks."""

from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.siteurl import site_url

from .api import api


def json_errors(view):
    """Ninja answers a wrong method with a plain-text 405; make it JSON like every API error."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allow = response.get("Allow", "GET")
            response = JsonResponse(
                {"detail": "Method not allowed: the API is read-only (GET).", "parameter": ""},
                status=405,
            )
            response["Allow"] = allow
        return response

    return wrapped


def not_found(request, rest=""):
    return JsonResponse({"detail": "Not found.", "parameter": ""}, status=404)


@require_GET
def index(request):
    """/api/v2/ itself: the endpoints, the schema and the docs page, as JSON."""
    base = request.build_absolute_uri("/api/v2")
    schema = api.get_openapi_schema(path_prefix="")
    return JsonResponse(
        {
            "name": api.title,
            "version": api.version,
            "compatible_with": "connpass API v2",
            "docs_url": request.build_absolute_uri(reverse("api_docs")),
            "openapi_url": f"{base}/openapi.json",
            "endpoints": [
                {"path": f"{base}{path}", "summary": methods["get"].get("summary", "")}
                for path, methods in schema["paths"].items()
                if "get" in methods
            ],
        }
    )


@require_GET
def docs(request):
    schema = api.get_openapi_schema(path_prefix="/api/v2")
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter["in"],
                            "description": parameter.get("description", ""),
                            "required": parameter.get("required", False),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                }
            )
    return render(
        request,
        "api/docs.html",
        {
            "operations": operations,
            "base_url": site_url("/api/v2", request),
            "site_zone": settings.TIME_ZONE,
        },
    )
