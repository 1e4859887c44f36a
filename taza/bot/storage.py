"""aiogram FSM storage in the database, so a conversation survives a bot restart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from asgiref.sync import sync_to_async

from taza.bot.models import BotConversation


def _where(key: StorageKey) -> dict[str, Any]:
    return {
        "bot_id": key.bot_id,
        "chat_id": key.chat_id,
        "user_id": key.user_id,
        "destiny": key.destiny,
    }


class DjangoStorage(BaseStorage):
    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await sync_to_async(BotConversation.objects.update_or_create)(
            **_where(key), defaults={"state": value or ""}
        )

    async def get_state(self, key: StorageKey) -> str | None:
        row = await sync_to_async(BotConversation.objects.filter(**_where(key)).first)()
        return (row.state or None) if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await sync_to_async(BotConversation.objects.update_or_create)(
            **_where(key), defaults={"data": dict(data)}
        )

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await sync_to_async(BotConversation.objects.filter(**_where(key)).first)()
        return dict(row.data) if row else {}

    async def close(self) -> None:
        return None
