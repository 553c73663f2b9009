"""Stage 4, tools over vectors: evaluation (``evaluate``), datasets (``data``), word
classes (``classes``) and maps of the vectors (``plot``). Imports the stages below."""
