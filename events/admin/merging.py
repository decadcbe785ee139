"""The admin's "merge duplicates" action for apps, owners and authorities (events/merging.py).

Like Django's delete_selected, it asks first: a page lists the selected records, and the editor
picks the one that stays. Only someone who may change and delete every one of them may merge.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from events.merging import merge


class MergeAction:
    """A ModelAdmin mixin adding the merge action."""

    actions = ["merge_selected"]

    def has_merge_permission(self, request):
        """Change and delete both (Django's `permissions=["change", "delete"]` would ask for either):
        without it the action is neither offered nor run if posted. Published records are checked
        one by one in the action, as for a deletion (events/admin/published.py)."""
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description="Merge the selected %(verbose_name_plural)s into one", permissions=["merge"])
    def merge_selected(self, request, queryset):
        records = list(queryset.order_by("name", "pk"))
        if len(records) < 2:
            self.message_user(request, "Select two or more records to merge.", messages.WARNING)
            return None
        allowed = all(
            self.has_change_permission(request, record) and self.has_delete_permission(request, record)
            for record in records
        )
        if not allowed:
            self.message_user(
                request, "Merging changes and deletes records: you may not do both to all of these.", messages.ERROR
            )
            return None
        chosen = request.POST.get("survivor")
        survivor = next((record for record in records if str(record.pk) == chosen), None)
        if request.POST.get("confirm") == "yes" and survivor is not None:
            duplicates = [record for record in records if record.pk != survivor.pk]
            names = ", ".join(f"{record.name} ({record.slug})" for record in duplicates)
            moved = merge(survivor, duplicates)
            summary = "; ".join(f"{count} {label} moved" for label, count in sorted(moved.items())) or "nothing to move"
            self.message_user(
                request,
                f"Merged {names} into {survivor.name} ({summary}). Their old addresses now lead to {survivor.slug}.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {self.model._meta.verbose_name_plural}",
            "records": records,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "missing_choice": request.POST.get("confirm") == "yes",
        }
        return TemplateResponse(request, "admin/events/merge.html", context)
