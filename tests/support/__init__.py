"""Plain helpers shared by the tests and the benches: a browser (browser.py) and an app
server (server.py), and the one module-scoped server fixture factory (fixtures.py).

Plain modules, never a conftest: bench/ imports them too. conftest files only define
fixtures.
"""
