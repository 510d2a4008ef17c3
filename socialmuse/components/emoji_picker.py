"""A compact emoji palette built into the page (no fetch): click one to add it to the text."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec

_PALETTE = (
    "😀 😂 🥰 😍 😎 🤩 🤔 😅 😇 🙌 👏 👍 🙏 💪 👀 🔥 ✨ 🎉 🎊 🥳 "
    "❤️ 🧡 💛 💚 💙 💜 🖤 💯 ✅ ❌ ⚡ 🌟 ⭐ 🚀 📣 📢 💡 📌 📍 🔗 "
    "📅 ⏰ 🗓️ 📝 📸 🎥 🎬 🎧 🎤 📚 💼 📈 📊 💰 🛒 🎁 🏆 🥇 🤝 👋 "
    "☕ 🍕 🍔 🥗 🍰 🍷 🌱 🌍 🌞 🌈 ☔ ❄️ 🌸 🍂 🐶 🐱 ⚽ 🏀 🎮 ✈️"
)
EMOJI: tuple[str, ...] = tuple(_PALETTE.split())


def emoji_picker(on_pick: Callable[[str], EventSpec], *, element_id: str) -> rx.Component:
    """A smiley button opening a grid of emoji; ``on_pick(emoji)`` inserts one."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("smile", size=16),
                "Emoji",
                variant="soft",
                size="1",
                type="button",
                id=element_id,
            )
        ),
        rx.popover.content(
            rx.grid(
                *[
                    rx.button(
                        emoji,
                        variant="ghost",
                        size="2",
                        type="button",
                        aria_label=f"Insert {emoji}",
                        on_click=on_pick(emoji),
                        class_name="emoji-choice",
                        padding="0.2em",
                    )
                    for emoji in EMOJI
                ],
                columns="10",
                spacing="1",
            ),
            max_width="26em",
            id=f"{element_id}-palette",
        ),
    )
