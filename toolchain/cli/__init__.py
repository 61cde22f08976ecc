"""`zkt`: one module per verb group; each command parses, calls one `toolchain.api` verb, prints.

Modules here import only `toolchain.api` (inside the commands, so `zkt --help` stays fast) and
`toolchain.errors`. The root group, error handling and `main` are in `main.py`.
"""
