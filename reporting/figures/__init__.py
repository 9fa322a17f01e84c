"""The campaign's figures, each declared once (registry.py) and read from there by every page,
export and API (values.py)."""
