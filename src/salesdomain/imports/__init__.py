"""Taking over existing records (SOP 4.1.2 Cleaning): customer lists and historical
orders from another system, cleaned line by line and stored whole or not at all."""
