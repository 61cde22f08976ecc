"""nox sessions for this circuit project: `nox -l` lists them, `nox -s compile test` runs two."""

import nox

from toolchain.nox import sessions as zkt

nox.options.sessions = ["compile", "test", "audit"]  # what a bare `nox` runs

zkt.compile()  # render and compile every circuit (or those named after --)
zkt.test()  # pytest with the circuit fixture (tests/)
zkt.audit()  # fail on an under-constrained circuit (circuits.toml: audit = "fail")
zkt.setup()  # start the phase-2 ceremony
zkt.ceremony()  # a local ceremony, then lock the artifacts
zkt.verify_artifacts()  # what CI runs: check artifacts/manifest.json
zkt.prove()  # prove every circuit's valid example input and verify it
zkt.bench()  # proving time per circuit and backend
