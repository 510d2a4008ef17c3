"""The domain. Every rule lives here once; UI, API, CLI and jobs are thin doors onto it.

Services take a SQLModel ``Session`` and keyword-only arguments, check permission through
``permissions.authorize`` before touching data, scope every query to the actor's
organization, and raise ``errors.DomainError`` subclasses with plain-word messages.
They never import reflex, fastapi or dramatiq.
"""
