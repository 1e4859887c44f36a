"""Taza: the platform of the national clean-environment programme "Taza Qazaqstan"."""
