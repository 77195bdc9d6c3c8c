"""Customer development (SOP 2.1): market research and the prospect database."""
