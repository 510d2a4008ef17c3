"""Network adapters, one module per network behind one Protocol (built in Stage B).

Adapters speak httpx only, never touch the database, and return typed outcomes the
publishing service classifies (rate-limited, auth expired, rejected, transient, unknown).
"""
