"""Competitor prices against ours (SOP 2.1.1, 2.3.2): each competitor price market
research recorded, beside the catalogue's list price of the same product in force on the
day it was observed.

Tables: ``products`` (the catalogue's products), ``list_prices`` (every list price set,
by the day it takes effect) and ``competitor_prices`` (every competitor price recorded).
Reads: ``prices_page`` (a page and the cursor of the next).
"""

from salesdomain.projections.prices.projection import Prices
from salesdomain.projections.prices.queries import PriceComparison, prices_page

__all__ = ["PriceComparison", "Prices", "prices_page"]
