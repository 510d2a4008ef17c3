"""A Mastodon instance emulator, written to Mastodon's API contract (platform-contracts §7)."""

from socialmuse.emulators.mastodon.emulator import MastodonEmulator

__all__ = ["MastodonEmulator"]
