"""Reflex State classes: thin adapters between what a person does and the services."""
