"""What a web front end needs beyond the science: limits, temp files, sessions, streaming runs."""
