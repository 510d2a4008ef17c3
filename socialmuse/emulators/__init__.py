"""Local HTTP emulators of the social networks, written to their public contracts.

Each emulator is a real server on loopback, reused by tests, benchmarks and the demo. They
reproduce success shapes and id formats, validation errors, expired tokens, rate limits with
the network's own headers, duplicate rejection and media processing, and accept scripted
faults (see ``base.Fault``). Run one by itself: ``python -m socialmuse.emulators NAME``.
"""
