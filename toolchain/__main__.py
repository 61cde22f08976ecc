"""`python -m toolchain`: the `zkt` CLI."""

from toolchain.cli.main import run

if __name__ == "__main__":
    run()
