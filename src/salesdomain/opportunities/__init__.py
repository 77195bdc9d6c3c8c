"""Opportunities: from first contact to a won or lost deal (SOP 2.1.3-2.3.3)."""
