"""Sales team management: the people who work the SOP (SOP 1, 3.1, 3.2, 3.3.4).

Recruitment (3.1): a ``Requisition`` raises a hiring need, agreed by the sales head,
advertised through chosen channels and closed when filled; a ``Candidate`` applies
through one of those channels, is screened, interviewed, decided on, offered a
position and, on signing the labour contract, becomes an ``Employee``.  The employee
is trained (3.2.1, 3.2.2), has a career plan (3.2.3), changes position, team and
manager, is promoted or gets a pay change (3.3.4) and may leave.  The roles an
employee holds decide what they may do everywhere in the library.  ``SalesTarget``
records each representative's and team's targets per period (the goal-driven
principle of section 1, recorded under the KPI system, 3.3.1).
"""
