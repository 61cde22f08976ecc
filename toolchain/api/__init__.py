"""The verbs behind the CLI, one module per verb group; import the module you need.

workspace (a project and its tools), compile (render, compile, info), prove (witness, prove,
verify), ptau (phase 1, published ptau files), ceremony (local phase 2), zkey (file-level phase 2),
artifacts (the manifest), tools (the pinned tools). Nothing is imported here, so loading one
verb group does not load the others.
"""
