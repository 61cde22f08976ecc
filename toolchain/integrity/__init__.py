"""Streaming hashes, the artifact manifest and its verification."""
