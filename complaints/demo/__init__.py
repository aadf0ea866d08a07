"""The demo dataset of `manage.py seed_demo`: members in six regions, the demo logins, and
complaints with cases at every stage of the workflow.

    builders.py   the people: places, members and their handles, the demo logins (seeded)
    walker.py     CaseWalker: files complaints and walks cases through the services (the tests use it too)
    steps.py      the walker's single steps, one service call each
    scenarios/    the named scenarios, one function each, run in a fixed order
    build.py      build_demo: all of it in one transaction, once; demo_summary for the command
    wavegen.py    the abuse-wave generator (pure Python; the benches use it too), for the mass-abuse scenario

Every complaint and every later step goes through the services with `now=` set in the past,
so the case events, the sanctions' dates and the audit chain are the real ones. Nothing is
imported here, so the generator can be used before Django is set up.
"""
