"""Studies: questions answered by flying many missions through the model chain."""
