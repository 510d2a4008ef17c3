"""Per-network text and media rules behind ``socialmuse.platforms.text_rules``.

``segments`` finds graphemes, emoji, links, mentions and hashtags; ``counting`` measures text
the way each network does; ``networks`` is the one table of limits; ``media`` checks
attachments against it. Import the public API from ``text_rules``, not from here.
"""
