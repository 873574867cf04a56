"""The API's human-readable documentation page and JSON answers for paths the API lacks."""

from functools import wraps

from django.http import JsonResponse
from django.shortcuts import render
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
        {"operations": operations, "base_url": site_url("/api/v2", request)},
    )
