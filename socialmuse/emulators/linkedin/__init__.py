"""LinkedIn: OAuth, Posts, Images, comments and statistics, written to platform-contracts §2."""

from socialmuse.emulators.linkedin.emulator import LinkedInEmulator

__all__ = ["LinkedInEmulator"]
