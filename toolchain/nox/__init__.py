"""nox sessions for circuit projects, ready to register from a noxfile (see `sessions`)."""
