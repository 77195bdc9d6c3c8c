"""Read models: SQL tables that follow the one ordered log of events (SOP 4)."""
