"""The phase-2 ceremony over HTTP: the coordinator server, the participant client, the verifier."""
