"""Meta's Graph API emulated: Facebook Pages, Instagram and Threads (platform-contracts §3-§6)."""

from socialmuse.emulators.graph.emulator import GraphEmulator
from socialmuse.emulators.graph.state import graph_error_body

__all__ = ["GraphEmulator", "graph_error_body"]
