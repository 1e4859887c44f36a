"""Hide the personal data that entries written before this rule hold."""

from django.db import migrations

# The personal fields of each audited model, as the models declare them (audit_personal)
# when this migration was written.
PERSONAL = {
    ("accounts", "user"): {"first_name", "last_name", "email", "phone"},
    ("bot", "telegramprofile"): {"telegram_id", "phone"},
    ("campaigns", "registration"): {"user", "telegram"},
    ("reports", "report"): {
        "reporter",
        "reporter_name",
        "reporter_email",
        "reporter_phone",
        "reporter_telegram_id",
    },
}
HIDDEN = "hidden"


def hide(apps, schema_editor):
    """Replace the values of personal fields by "hidden", and titles that name a person."""
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for (app_label, model), fields in PERSONAL.items():
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        if content_type is None:
            continue
        for entry in AuditEntry.objects.filter(content_type=content_type).iterator():
            changes = {
                name: [None if value in (None, "") else HIDDEN for value in pair]
                if name in fields
                else pair
                for name, pair in entry.changes.items()
            }
            title = entry.object_repr
            if model == "registration":  # was "<event>: <user or Telegram id> <status>"
                event, _sep, rest = title.partition(": ")
                title = f"{event}: {rest.split(' ')[-1]}" if rest else title
            elif model == "telegramprofile":
                title = "Telegram user"
            if changes != entry.changes or title != entry.object_repr:
                AuditEntry.objects.filter(pk=entry.pk).update(changes=changes, object_repr=title)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(hide, migrations.RunPython.noop)]
