"""Write side: one verb per function, checked by ``permissions``; a service never commits."""
