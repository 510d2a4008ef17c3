"""The AI assistant: provider interface, metering and the generations the composer offers.

``assistant`` holds what doors call (drafts, rewrites, hashtags, scripts, images, voice-over,
talking heads); ``providers`` the vendor calls; ``metering`` usage, caps and error wording.
"""
