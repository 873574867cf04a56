"""Back office: organisers import their community's history from connpass, as a task, and
watch its progress on a page that refreshes itself until the run ends."""

from functools import partial

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from events.backoffice.scope import OrganiserScopedAdmin

from .models import ImportRun
from .tasks import run_import


@admin.register(ImportRun)
class ImportRunAdmin(OrganiserScopedAdmin):
    community_lookup = "community"
    event_lookup = None
    list_display = ["__str__", "status", "events_done", "events_total", "created_at"]
    list_filter = ["status"]
    fields = ["community", "subdomain", "base_url"]
    formfield_overrides = {models.URLField: {"widget": forms.URLInput(attrs={"size": 60})}}

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save_and_add_another": False,
            "show_save_and_continue": False,
            "show_save_and_view": False,
        }
        return super().add_view(request, form_url, extra_context)

    def has_change_permission(self, request, obj=None):
        return False  # a run is a record; start a new one to import again

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        community = request.GET.get("community")
        if community and community.isdigit():
            initial["community"] = int(community)
        return initial

    def save_model(self, request, obj, form, change):
        obj.started_by = request.user
        super().save_model(request, obj, form, change)
        transaction.on_commit(partial(run_import.enqueue, obj.pk))

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("admin:imports_importrun_progress", obj.pk)

    def get_urls(self):
        progress = self.admin_site.admin_view(self.progress_view)
        return [
            path("<int:run_id>/progress/", progress, name="imports_importrun_progress"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = get_object_or_404(self.get_queryset(request), pk=object_id)
        return redirect("admin:imports_importrun_progress", run.pk)

    def progress_view(self, request, run_id):
        run = get_object_or_404(self.get_queryset(request).select_related("community"), pk=run_id)
        return TemplateResponse(
            request,
            "admin/imports/progress.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Import from connpass"),
                "opts": self.opts,
                "run": run,
            },
        )
