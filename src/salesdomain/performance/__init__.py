"""Performance and incentives, teamwork (SOP 3.3, 3.4): KPI schemes, sales expenses,
appraisals with their incentives, escalation of repeated under-performance, team meetings."""
