"""An X (Twitter) API v2 emulator, written to X's contract (platform-contracts §1, §11)."""

from socialmuse.emulators.x.emulator import XEmulator

__all__ = ["XEmulator"]
