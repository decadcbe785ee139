"""The counts kept for the stats (events/models/tally.py); the triggers that keep them are made
after migrate (events/tallies.py), and migrating back removes them with the tables."""

from django.db import migrations, models

TRIGGERS = {
    "events_event": ["event_insert", "event_update", "event_delete", "event_truncate"],
    "events_event_apps": ["apps_insert", "apps_delete", "apps_update"],
    "events_app": ["app_update"],
    "events_tallypart": ["part_insert", "part_delete"],
}
FUNCTIONS = [
    "events_tally_refresh(bigint[])",
    "events_tally_event_written()",
    "events_tally_event_truncated()",
    "events_tally_apps_linked()",
    "events_tally_app_owned()",
    "events_tally_part_written()",
]


def storage(apps, schema_editor):
    """PostgreSQL guesses the cells a request reads badly (their columns are far from
    independent: 72,000 for 249 at a million events) and would start parallel workers, which cost
    more than the read (9.8 ms against 0.6); room left in each page lets a count's update stay in
    its page (a HOT update)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE events_tally SET (parallel_workers = 0, fillfactor = 80)")


def drop_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for table, names in TRIGGERS.items():
        for name in names:
            on = f" ON {table}" if postgres else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS events_tally_{name}{on}")
    if postgres:
        for function in FUNCTIONS:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}")


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0013_public_id_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='TallyPart',
            fields=[
                ('pk', models.CompositePrimaryKey('event_id', 'app_id', 'owner_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('event_id', models.BigIntegerField()),
                ('app_id', models.IntegerField()),
                ('owner_id', models.IntegerField()),
                ('country', models.CharField(max_length=2)),
                ('kind', models.CharField(max_length=30)),
                ('status', models.CharField(max_length=20)),
                ('year', models.SmallIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name='Tally',
            fields=[
                ('pk', models.CompositePrimaryKey('app_id', 'owner_id', 'status', 'kind', 'year', 'country', blank=True, editable=False, primary_key=True, serialize=False)),
                ('app_id', models.IntegerField()),
                ('owner_id', models.IntegerField()),
                ('country', models.CharField(max_length=2)),
                ('kind', models.CharField(max_length=30)),
                ('status', models.CharField(max_length=20)),
                ('year', models.SmallIntegerField()),
                ('events', models.IntegerField()),
            ],
            options={
                'indexes': [models.Index(condition=models.Q(('app_id__gt', 0), ('owner_id', 0)), fields=['country', 'status', 'kind', 'year', 'app_id'], name='tally_by_app_idx'), models.Index(condition=models.Q(('app_id', 0), ('owner_id__gt', 0)), fields=['country', 'status', 'kind', 'year', 'owner_id'], name='tally_by_owner_idx')],
            },
        ),
        migrations.RunPython(storage, migrations.RunPython.noop),
        migrations.RunPython(migrations.RunPython.noop, drop_triggers),
    ]
