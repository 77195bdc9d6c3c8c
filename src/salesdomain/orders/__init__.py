"""Order execution (SOP 2.5): entry, coordination, production, quality, delivery."""
