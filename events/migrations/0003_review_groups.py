"""The two editorial groups: Editors write and submit for review; Publishers also publish and retract."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITED_MODELS = ["event", "source", "statement", "app", "owner", "authority"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    # create_permissions skips an app whose models_module is unset, as it is in a migration's
    # historical registry; set it for the call and put back what was there (tests call this with
    # the real registry too).
    for app_config in apps.get_app_configs():
        previous, app_config.models_module = getattr(app_config, "models_module", None), True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in EDITED_MODELS for action in ("add", "change", "view")]
    codenames += ["view_country", "view_measurement", "delete_source", "delete_statement"]
    editing = list(Permission.objects.filter(content_type__app_label="events", codename__in=codenames))
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(editing)
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    publish = Permission.objects.get(content_type__app_label="events", codename="publish_event")
    publishers.permissions.set([*editing, publish])


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0002_countries"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
