from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BotConfig(AppConfig):
    name = "taza.bot"
    verbose_name = _("Telegram bot")

    def ready(self) -> None:
        # Reporters who wrote through the bot hear about changes through the bot.
        from taza.bot.notify import notify_telegram
        from taza.reports.tasks import CHANNEL_NOTIFIERS

        if notify_telegram not in CHANNEL_NOTIFIERS:
            CHANNEL_NOTIFIERS.append(notify_telegram)
