"""HTTP for both servers: the refusal's wire shape (`models`), the FastAPI plumbing (`plumbing`),
and their SQLite state's durable transaction (`sqlite`)."""
