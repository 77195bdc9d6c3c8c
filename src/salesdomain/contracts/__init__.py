"""Contracts (SOP 2.4): drafted from an accepted quote, reviewed, approved, signed."""
