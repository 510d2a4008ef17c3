"""Reusable pieces of the UI: the shell, form fields, empty states. No queries here."""
