"""After-sales service (SOP 2.6): feedback, service visits, satisfaction surveys."""
