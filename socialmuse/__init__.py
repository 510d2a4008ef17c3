"""SocialMuse: self-hostable social media automation.

Layers (imports point downward only): pages/components → state → api → jobs →
services → platforms → models → db/settings. See docs/architecture.md.
"""
