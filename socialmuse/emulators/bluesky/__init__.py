"""Bluesky: a PDS + AppView subset (sessions, repo records, blobs, posts, threads, profiles)."""

from socialmuse.emulators.bluesky.emulator import BlueskyEmulator

__all__ = ["BlueskyEmulator"]
