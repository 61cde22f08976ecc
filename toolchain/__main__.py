"""`python -m toolchain`: the `zkt` CLI."""

from toolchain.cli.main import main

if __name__ == "__main__":
    main()
