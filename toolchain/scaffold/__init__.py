"""New projects: `zkt init` writes a starter project; `--adopt` registers existing circom."""
